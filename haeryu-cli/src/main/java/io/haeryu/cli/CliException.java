package io.haeryu.cli;

/**
 * A failure the user can act on: the message says what went wrong and what to do, the exit code tells scripts
 * which kind of failure it was. Thrown anywhere below a client command; {@link ClientCommand} prints it.
 */
final class CliException extends RuntimeException {
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int UNREACHABLE = 4;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
