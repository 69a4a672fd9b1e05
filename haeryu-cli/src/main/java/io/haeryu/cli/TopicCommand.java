package io.haeryu.cli;

import picocli.CommandLine.Command;

/** {@code haeryu topic}: groups the topic subcommands (the kafka-topics / kafka-configs counterpart). */
@Command(name = "topic", mixinStandardHelpOptions = true, description = "Create, list, describe, change and delete topics.",
    subcommands = {TopicCreateCommand.class, TopicListCommand.class, TopicDescribeCommand.class,
        TopicAlterConfigCommand.class, TopicAddPartitionsCommand.class, TopicDeleteCommand.class})
final class TopicCommand {
}
