package io.haeryu.cli;

import picocli.CommandLine.Command;

/** {@code haeryu cluster}: what kafka-broker-api-versions / kafka-cluster tell about a cluster. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Inspect the cluster.",
    subcommands = {ClusterInfoCommand.class})
final class ClusterCommand {
}
