package io.haeryu.it;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One broker (and, on first use, one {@link Admin} on it) shared by every test of a class: started before the
 * first test, closed after the last. Register it on a static field:
 *
 * <pre>{@code @RegisterExtension static final SharedBroker broker = SharedBroker.withOverrides(Map.of(...));}</pre>
 */
public final class SharedBroker implements BeforeAllCallback, AfterAllCallback {

    private final Supplier<TestBroker> starter;
    private TestBroker broker;
    private Admin admin;

    private SharedBroker(Supplier<TestBroker> starter) {
        this.starter = starter;
    }

    /** {@link TestBroker#forSimpleTests()}: the external broker when one is named, else a fresh process. */
    public static SharedBroker forSimpleTests() {
        return new SharedBroker(TestBroker::forSimpleTests);
    }

    /** {@link TestBroker#forSimpleTests(BrokerProcess.Launch)}: as {@link #forSimpleTests()}, launched that way. */
    public static SharedBroker launchedBy(BrokerProcess.Launch launch) {
        return new SharedBroker(() -> TestBroker.forSimpleTests(launch));
    }

    /** Always a {@link BrokerProcess} of our own with these config overrides, never an external broker. */
    public static SharedBroker withOverrides(Map<String, String> overrides) {
        return new SharedBroker(() -> BrokerProcess.start(overrides));
    }

    /**
     * {@link #withOverrides} with what the consumer-group tests share: joins complete without the initial rebalance
     * delay, and the offsets topic fits a single broker.
     */
    public static SharedBroker forGroupTests() {
        return withOverrides(Map.of("group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "5", "offsets.topic.replication.factor", "1"));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = starter.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (admin != null) {
                admin.close();
            }
        } finally {
            admin = null;
            if (broker != null) {
                broker.close();
                broker = null;
            }
        }
    }

    public String bootstrap() {
        return started().bootstrap();
    }

    /** An Admin client on the broker, made on first use and closed with the broker. */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Clients.admin(bootstrap());
        }
        return admin;
    }

    /** The broker process, for tests that stop, restart or inspect it; there is none for an external broker. */
    public BrokerProcess process() {
        if (started() instanceof BrokerProcess p) {
            return p;
        }
        throw new IllegalStateException("not a broker process of ours: " + broker);
    }

    private TestBroker started() {
        if (broker == null) {
            throw new IllegalStateException("broker not started: register SharedBroker on a static field");
        }
        return broker;
    }
}
