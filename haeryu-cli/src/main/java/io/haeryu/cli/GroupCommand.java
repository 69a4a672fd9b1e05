package io.haeryu.cli;

import picocli.CommandLine.Command;

/** {@code haeryu group}: the kafka-consumer-groups counterpart. */
@Command(name = "group", mixinStandardHelpOptions = true, description = "List, inspect, reset and delete consumer groups.",
    subcommands = {GroupListCommand.class, GroupDescribeCommand.class, GroupResetOffsetsCommand.class,
        GroupDeleteCommand.class})
final class GroupCommand {
}
