package io.haeryu.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against an in-process {@link HaeryuCluster} (see {@link HaeryuExtension}), started
 * once for the class or afresh for each test method. Test methods, constructors and lifecycle methods can take the
 * {@link HaeryuCluster}, a {@link HaeryuBootstrap @HaeryuBootstrap} {@code String}, an
 * {@link org.apache.kafka.clients.admin.Admin} or {@link HaeryuTestClients} as parameters.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(HaeryuExtension.class)
public @interface HaeryuTest {

    /** Number of brokers. */
    int brokers() default 1;

    /** Topics created (and waited for) before the tests see the cluster. */
    HaeryuTopic[] topics() default {};

    /** Broker configs as {@code key=value}, Kafka's names, e.g. {@code "min.insync.replicas=2"}. */
    String[] configs() default {};

    /** One cluster for the whole class (the default: start-up is the main cost) or one per test method. */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /** How long a cluster is shared. */
    enum Lifecycle {
        /** Started before the first test of the class, stopped after the last. */
        PER_CLASS,
        /** Started before each test method, stopped after it. */
        PER_METHOD
    }
}
