package io.haeryu.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaFuture;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every subcommand that talks to a cluster: the shared connection options, output streams that tests can
 * capture (picocli's out/err), and one translation of failures into a message plus exit code.
 */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    /** Does the work; returns the exit code. Failures are thrown and translated by {@link #call()}. */
    abstract int run() throws Exception;

    @Override
    public final Integer call() {
        // The clients log every failed connection attempt at WARN; the CLI reports failures itself, once.
        ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.OFF);
        try {
            return run();
        } catch (ParameterException e) {
            throw e; // picocli prints it with the usage help and exits 2
        } catch (Exception e) {
            CliException c = e instanceof CliException ce ? ce : Errors.translate(e, client);
            err().println("Error: " + c.getMessage());
            err().flush();
            return c.exitCode();
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Waits for an Admin result, rethrowing the Kafka exception itself rather than ExecutionException. */
    static <T> T await(KafkaFuture<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
