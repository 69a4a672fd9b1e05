package io.haeryu.cluster;

import java.util.concurrent.ThreadFactory;

/** Names the package's background threads and keeps them from holding the JVM open. */
final class DaemonThreads implements ThreadFactory {

    private final String name;

    DaemonThreads(String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable runnable) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
