package io.haeryu.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a Kafka tool main class (from kafka-tools on the test classpath) or any command as a separate process. */
public final class ToolProcess {

    /** Result of a finished process. */
    public record Result(int exitCode, String stdout, String stderr) {
        public List<String> lines() {
            return stdout.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private ToolProcess() {
    }

    /** A java command line for {@code mainClass} on this JVM's classpath, with quiet logging. */
    public static List<String> javaTool(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(BrokerProcess.javaBinary());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dlogback.configurationFile=" + resource("it-tools-logback.xml"));
        cmd.add("-Dlog4j2.level=WARN");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** Runs {@code cmd}, feeding {@code stdin} (may be null), and waits up to {@code timeout}. */
    public static Result run(List<String> cmd, String stdin, Duration timeout) {
        try {
            Path out = Files.createTempFile("tool-", ".out");
            Path err = Files.createTempFile("tool-", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                Process p = pb.start();
                try {
                    try (var in = p.getOutputStream()) {
                        if (stdin != null) {
                            in.write(stdin.getBytes(StandardCharsets.UTF_8));
                        }
                    }
                    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", cmd)
                                + "\nstdout:\n" + tail(out) + "\nstderr:\n" + tail(err));
                    }
                } finally {
                    if (p.isAlive()) {
                        p.destroyForcibly();
                        p.waitFor(10, TimeUnit.SECONDS);
                    }
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String tail(Path f) throws IOException {
        String s = Files.readString(f);
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    private static String resource(String name) {
        var url = ToolProcess.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        return url.toString();
    }
}
