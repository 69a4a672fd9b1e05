package io.haeryu.group;

/** Hands each coordinator partition the loop that runs all of its events. */
@FunctionalInterface
public interface EventLoops {
    EventLoop loopFor(int partition);
}
