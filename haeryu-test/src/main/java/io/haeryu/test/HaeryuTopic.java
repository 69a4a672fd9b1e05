package io.haeryu.test;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A topic for {@link HaeryuTest#topics()}: the annotation form of {@link TopicSpec}. */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HaeryuTopic {

    String name();

    int partitions() default 1;

    /** -1: the broker's {@code default.replication.factor}. */
    int replicationFactor() default -1;

    /** Topic configs as {@code key=value}, e.g. {@code "cleanup.policy=compact"}. */
    String[] configs() default {};
}
