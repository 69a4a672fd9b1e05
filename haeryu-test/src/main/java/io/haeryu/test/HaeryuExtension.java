package io.haeryu.test;

import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link HaeryuTest}; also usable directly:
 * <pre>{@code
 * @RegisterExtension
 * static HaeryuExtension haeryu = HaeryuExtension.perClass(HaeryuClusterOptions.builder().brokers(3).build());
 * }</pre>
 * Per class, the cluster starts before the first test and stops after the last (a static field is needed for
 * that); per method, it starts before each test and stops after it. Each test class (and so each class run in
 * parallel) gets its own cluster, in the class's {@link ExtensionContext.Store}, which closes it; a {@code @Nested}
 * class uses its enclosing class's cluster.
 *
 * <p>Resolves parameters of type {@link HaeryuCluster}, {@link Admin} and {@link HaeryuTestClients} (both closed
 * when the test or class that asked for them ends) and {@code @HaeryuBootstrap String}.
 */
public final class HaeryuExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(HaeryuExtension.class);
    private static final String CLUSTER = "cluster";

    /** Null when the options come from the test class's {@link HaeryuTest}. */
    private final HaeryuClusterOptions options;
    private final HaeryuTest.Lifecycle lifecycle;
    /** The cluster last started through this instance, for {@link #cluster()}. */
    private volatile HaeryuCluster current;

    /** For {@code @HaeryuTest}: options and lifecycle from the annotation. */
    public HaeryuExtension() {
        this(null, null);
    }

    private HaeryuExtension(HaeryuClusterOptions options, HaeryuTest.Lifecycle lifecycle) {
        this.options = options;
        this.lifecycle = lifecycle;
    }

    /** One cluster for all tests of the class; register it in a static field. */
    public static HaeryuExtension perClass(HaeryuClusterOptions options) {
        return new HaeryuExtension(options, HaeryuTest.Lifecycle.PER_CLASS);
    }

    /** A fresh cluster for each test method. */
    public static HaeryuExtension perMethod(HaeryuClusterOptions options) {
        return new HaeryuExtension(options, HaeryuTest.Lifecycle.PER_METHOD);
    }

    /** The running cluster, for tests that registered this extension in a field. */
    public HaeryuCluster cluster() {
        HaeryuCluster cluster = current;
        if (cluster == null) {
            throw new IllegalStateException("No Haeryu cluster is running for this extension now");
        }
        return cluster;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (lifecycle(context) == HaeryuTest.Lifecycle.PER_CLASS) {
            startIn(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // Per class from an instance field: beforeAll was never called, so fail instead of silently starting late.
        HaeryuTest.Lifecycle wanted = lifecycle(context);
        if (wanted == HaeryuTest.Lifecycle.PER_METHOD) {
            startIn(context);
        } else if (find(context) == null) {
            throw new ExtensionConfigurationException("A per-class HaeryuExtension must be registered in a static "
                + "field (or use HaeryuExtension.perMethod)");
        }
    }

    private void startIn(ExtensionContext context) {
        if (context.getStore(NAMESPACE).get(CLUSTER) != null) {
            current = find(context); // a @Nested class: the enclosing class's cluster serves it
            return;
        }
        HaeryuCluster cluster = HaeryuCluster.start(options(context));
        context.getStore(NAMESPACE).put(CLUSTER, new ClosedWithContext(cluster));
        current = cluster;
    }

    private HaeryuTest.Lifecycle lifecycle(ExtensionContext context) {
        return lifecycle != null ? lifecycle : annotation(context).lifecycle();
    }

    private HaeryuClusterOptions options(ExtensionContext context) {
        return options != null ? options : fromAnnotation(annotation(context));
    }

    private static HaeryuTest annotation(ExtensionContext context) {
        Optional<Class<?>> testClass = context.getTestClass();
        while (testClass.isPresent()) {
            Optional<HaeryuTest> found = AnnotationSupport.findAnnotation(testClass.get(), HaeryuTest.class);
            if (found.isPresent()) {
                return found.get();
            }
            testClass = Optional.ofNullable(testClass.get().getEnclosingClass());
        }
        throw new ExtensionConfigurationException("HaeryuExtension without options needs @HaeryuTest on the test class");
    }

    static HaeryuClusterOptions fromAnnotation(HaeryuTest test) {
        HaeryuClusterOptions.Builder builder = HaeryuClusterOptions.builder().brokers(test.brokers());
        for (String config : test.configs()) {
            String[] kv = keyValue(config, "@HaeryuTest configs");
            builder.brokerConfig(kv[0], kv[1]);
        }
        for (HaeryuTopic topic : test.topics()) {
            TopicSpec spec = TopicSpec.of(topic.name(), topic.partitions(), topic.replicationFactor());
            for (String config : topic.configs()) {
                String[] kv = keyValue(config, "@HaeryuTopic " + topic.name() + " configs");
                spec = spec.withConfig(kv[0], kv[1]);
            }
            builder.topic(spec);
        }
        return builder.build();
    }

    private static String[] keyValue(String entry, String where) {
        int eq = entry.indexOf('=');
        if (eq <= 0) {
            throw new ExtensionConfigurationException(where + ": expected key=value, got \"" + entry + "\"");
        }
        return new String[] {entry.substring(0, eq).trim(), entry.substring(eq + 1).trim()};
    }

    /** The cluster of this context or the nearest enclosing one (stores look up their parents). */
    private static HaeryuCluster find(ExtensionContext context) {
        ClosedWithContext running = context.getStore(NAMESPACE).get(CLUSTER, ClosedWithContext.class);
        return running == null ? null : (HaeryuCluster) running.resource();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == HaeryuCluster.class || type == Admin.class || type == HaeryuTestClients.class
            || (type == String.class && parameter.isAnnotated(HaeryuBootstrap.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        HaeryuCluster cluster = find(context);
        if (cluster == null) {
            throw new ParameterResolutionException("No Haeryu cluster is running for " + parameter.getParameter()
                + " (a per-method cluster is not there yet for constructors and @BeforeAll methods)");
        }
        Class<?> type = parameter.getParameter().getType();
        if (type == HaeryuCluster.class) {
            return cluster;
        }
        if (type == String.class) {
            return cluster.bootstrapServers();
        }
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        if (type == Admin.class) {
            Admin admin = cluster.admin();
            store.put(new Object(), new ClosedWithContext(admin));
            return admin;
        }
        HaeryuTestClients clients = cluster.clients();
        store.put(new Object(), new ClosedWithContext(clients));
        return clients;
    }

    /**
     * Closed by JUnit when the context holding it ends: JUnit from 5.13 closes {@link AutoCloseable} store values,
     * older versions {@code CloseableResource} ones (deprecated since 5.13, still honoured); this is both, and JUnit
     * closes it once.
     */
    @SuppressWarnings("deprecation")
    private record ClosedWithContext(AutoCloseable resource)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() throws Exception {
            resource.close();
        }
    }
}
