/** The {@code haeryu} command line: server start-up and client subcommands. */
package io.haeryu.cli;
