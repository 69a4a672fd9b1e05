package io.haeryu.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the haeryu command in-process with captured output, as a user would run bin/haeryu. */
final class Cli {
    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    private Cli() {
    }

    /** Runs a client command against the test broker (prepends -b). */
    static Result run(String... args) {
        return runWithInput(null, args);
    }

    static Result runWithInput(String stdin, String... args) {
        // picocli accepts options anywhere after the subcommand's name, so -b can simply go last.
        List<String> all = new ArrayList<>(List.of(args));
        all.add("-b");
        all.add(Broker.bootstrap());
        return runRaw(stdin, all.toArray(String[]::new));
    }

    /** Runs exactly these arguments. */
    static Result runRaw(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new HaeryuCli());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        InputStream savedIn = System.in;
        if (stdin != null) {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            int exit = cmd.execute(args);
            return new Result(exit, out.toString(), err.toString());
        } finally {
            System.setIn(savedIn);
        }
    }
}
