package io.haeryu.it;

/** A broker the tests talk to: a {@link BrokerProcess} they own, or an external one they only borrow. */
public interface TestBroker extends AutoCloseable {

    String bootstrap();

    @Override
    void close();

    /**
     * For tests that only need a running broker: the external one named by {@code haeryu.it.bootstrap=HOST:PORT}
     * (system property or env var, also {@code HAERYU_IT_BOOTSTRAP}), else a fresh {@link BrokerProcess}.
     */
    static TestBroker forSimpleTests() {
        return forSimpleTests(BrokerProcess.Launch.OVERRIDES);
    }

    /** As {@link #forSimpleTests()}, launching our own broker the given way. */
    static TestBroker forSimpleTests(BrokerProcess.Launch launch) {
        String external = BrokerProcess.setting("haeryu.it.bootstrap", "HAERYU_IT_BOOTSTRAP", null);
        if (external != null) {
            return new TestBroker() {
                @Override
                public String bootstrap() {
                    return external;
                }

                @Override
                public void close() {
                    // not ours
                }

                @Override
                public String toString() {
                    return "external@" + external;
                }
            };
        }
        return BrokerProcess.start(java.util.Map.of(), launch);
    }
}
