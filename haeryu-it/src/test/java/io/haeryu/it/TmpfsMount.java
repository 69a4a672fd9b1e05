package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted on a directory under the test's temp dir, for disk-full tests: writes beyond its size fail
 * with ENOSPC, a real I/O error. Mounting needs root. Without root the test is skipped, unless {@code CI=true}
 * (CI runs as root, so there a failed mount fails the test). {@link #close()} unmounts.
 */
final class TmpfsMount implements AutoCloseable {

    private final Path dir;

    private TmpfsMount(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of sizeMiB on dir (created if missing); skips the test where that is impossible outside CI. */
    static TmpfsMount mount(Path dir, int sizeMiB) {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (!ci) {
            Assumptions.assumeTrue(isRoot(), "mounting a tmpfs needs root (CI runs as root); skipped as uid "
                + run(List.of("id", "-u")).output().trim());
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Result r = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + sizeMiB + "m", "tmpfs", dir.toString()));
        assertThat(r.exitCode()).as("mount -t tmpfs on %s: %s", dir, r.output()).isZero();
        return new TmpfsMount(dir);
    }

    Path dir() {
        return dir;
    }

    /** Bytes still free on the tmpfs. */
    long usableBytes() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmounts (lazily if something still holds a file open, so cleanup never hangs). */
    @Override
    public void close() {
        if (run(List.of("umount", dir.toString())).exitCode() != 0) {
            run(List.of("umount", "-l", dir.toString()));
        }
    }

    private static boolean isRoot() {
        Result r = run(List.of("id", "-u"));
        return r.exitCode() == 0 && r.output().trim().equals("0");
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, command + " timed out");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }
}
