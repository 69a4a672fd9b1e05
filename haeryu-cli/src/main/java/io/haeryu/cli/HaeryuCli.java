package io.haeryu.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code haeryu} command. */
@Command(name = "haeryu", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Haeryu: a Kafka-compatible event streaming platform.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ok", "1:the operation failed", "2:usage error", "3:topic or group not found",
        "4:cannot reach the cluster"},
    subcommands = {ServerCommand.class, ZooKeeperCommand.class, TopicCommand.class, ProduceCommand.class,
        ConsumeCommand.class, GroupCommand.class, ClusterCommand.class, BenchCommand.class, CompletionCommand.class,
        CommandLine.HelpCommand.class})
public final class HaeryuCli {

    public static void main(String[] args) {
        int exit = new CommandLine(new HaeryuCli()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }
}
