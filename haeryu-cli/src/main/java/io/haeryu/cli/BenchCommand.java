package io.haeryu.cli;

import picocli.CommandLine.Command;

/** {@code haeryu bench}: the kafka-producer-perf-test / kafka-consumer-perf-test counterpart. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Built-in load generator: throughput and latency.",
    subcommands = {BenchProduceCommand.class, BenchConsumeCommand.class})
final class BenchCommand {
}
