package io.haeryu.cli;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/** Turns client exceptions into messages that say what to do, with the exit code scripts can branch on. */
final class Errors {
    private Errors() {
    }

    static CliException translate(Throwable t, ClientOptions client) {
        Throwable e = unwrap(t);
        String at = client.bootstrap();
        String protocol = client.effective(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        if (e instanceof TimeoutException) {
            String security = protocol == null || "PLAINTEXT".equalsIgnoreCase(protocol)
                ? "  If the cluster needs TLS or SASL: -X security.protocol=SSL|SASL_PLAINTEXT|SASL_SSL and the sasl.* "
                    + "settings.\n"
                : "  You connect with security.protocol=" + protocol + ": check that the listener at " + at
                    + " expects it.\n";
            return new CliException(CliException.UNREACHABLE, "Cannot reach a broker at " + at + " (no answer within "
                + client.effective(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG) + " ms).\n"
                + "  Start one with: bin/haeryu server\n"
                + "  or point -b/--bootstrap-server (or HAERYU_BOOTSTRAP) at a running cluster.\n"
                + security
                + "  Wait longer with -X default.api.timeout.ms=MS.");
        }
        if (e instanceof ConfigException) {
            return new CliException(CliException.USAGE, "Invalid client setting: " + e.getMessage()
                + "\n  Fix the -X option or the key in the profile.");
        }
        if (e instanceof IllegalArgumentException && String.valueOf(e.getMessage()).contains("JAAS")) {
            // Kafka's wording ("KafkaClient entry ... java.security.auth.login.config") names the JVM-wide way;
            // the CLI way is a client property.
            return new CliException(CliException.USAGE, "security.protocol=" + protocol + " needs SASL credentials, and "
                + "sasl.jaas.config is not set.\n  Add -X sasl.mechanism=PLAIN|SCRAM-SHA-256|SCRAM-SHA-512 and -X "
                + "'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"U\" "
                + "password=\"P\";' (or put both in --profile FILE).");
        }
        if (e instanceof AuthenticationException) {
            return new CliException(CliException.FAILED, "Authentication with " + at + " failed: " + e.getMessage()
                + "\n  Check -X security.protocol=..., -X sasl.mechanism=... and -X sasl.jaas.config=... "
                + "(or the same keys in --profile FILE).");
        }
        if (e instanceof AuthorizationException) {
            return new CliException(CliException.FAILED, "Not authorized: " + e.getMessage()
                + "\n  The principal from your sasl.* / ssl.* settings lacks an ACL for this operation.");
        }
        if (e instanceof UnsupportedVersionException) {
            return new CliException(CliException.FAILED, "The cluster at " + at + " does not support this operation: "
                + e.getMessage() + "\n  It needs a broker that implements the Kafka API this command uses.");
        }
        if (e instanceof UnknownTopicOrPartitionException || e instanceof GroupIdNotFoundException) {
            return new CliException(CliException.NOT_FOUND, e.getMessage());
        }
        if (e instanceof ApiException) {
            return new CliException(CliException.FAILED, e.getMessage());
        }
        return new CliException(CliException.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof ExecutionException || e instanceof CompletionException
                || (e instanceof KafkaException && !(e instanceof ApiException))) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
