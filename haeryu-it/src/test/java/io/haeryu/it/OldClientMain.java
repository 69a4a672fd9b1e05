package io.haeryu.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Run by {@link OldClientCompatTest} in its own JVM with ONLY an old kafka-clients jar (and slf4j-api) plus this
 * class on the classpath. Uses only API that exists in old clients. Args: bootstrap topic count.
 * Exit 0 and a line "OK ..." on success; exit 1 with the reason otherwise.
 */
public final class OldClientMain {

    private OldClientMain() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int n = Integer.parseInt(args[2]);
        System.out.println("client-version " + clientVersion());
        System.out.println("client-jar " + KafkaProducer.class.getProtectionDomain().getCodeSource().getLocation());
        try {
            run(bootstrap, topic, n);
        } catch (Throwable t) {
            System.out.println("FAIL " + t);
            t.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String bootstrap, String topic, int n) throws Exception {
        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("key.serializer", StringSerializer.class.getName());
        pp.put("value.serializer", StringSerializer.class.getName());
        pp.put("acks", "all");
        pp.put("compression.type", "gzip");
        pp.put("max.block.ms", "20000");
        Map<String, Integer> partitionOfKey = new HashMap<>();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(pp)) {
            List<java.util.concurrent.Future<RecordMetadata>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(p.send(new ProducerRecord<>(topic, "k" + (i % 5), "old-" + i)));
            }
            for (int i = 0; i < n; i++) {
                RecordMetadata md = fs.get(i).get();
                Integer prev = partitionOfKey.putIfAbsent("k" + (i % 5), md.partition());
                check(prev == null || prev == md.partition(), "key k" + (i % 5) + " moved partitions");
            }
        }

        Properties cp = new Properties();
        cp.put("bootstrap.servers", bootstrap);
        cp.put("key.deserializer", StringDeserializer.class.getName());
        cp.put("value.deserializer", StringDeserializer.class.getName());
        cp.put("group.id", "old-client-" + topic);
        cp.put("enable.auto.commit", "false");
        cp.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(cp)) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 60_000;
            while (got.size() < n && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    got.add(r);
                }
            }
            check(got.size() == n, "group consumer read " + got.size() + " of " + n);
            c.commitSync();
            for (TopicPartition tp : c.assignment()) {
                OffsetAndMetadata om = c.committed(java.util.Set.of(tp)).get(tp);
                check(om != null && om.offset() == c.position(tp), "committed offset of " + tp + " = " + om);
            }
        }
        Map<String, Integer> lastOfKey = new HashMap<>();
        for (ConsumerRecord<String, String> r : got) {
            check(partitionOfKey.get(r.key()) == r.partition(), "record " + r + " in wrong partition");
            int seq = Integer.parseInt(r.value().substring(4));
            Integer prev = lastOfKey.put(r.key(), seq);
            check(prev == null || seq > prev, "order of key " + r.key());
        }

        // assign() + seekToBeginning(), no group
        cp.remove("group.id");
        int again = 0;
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(cp)) {
            List<TopicPartition> tps = new ArrayList<>();
            c.partitionsFor(topic).forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
            c.assign(tps);
            c.seekToBeginning(tps);
            long deadline = System.currentTimeMillis() + 30_000;
            while (again < n && System.currentTimeMillis() < deadline) {
                again += c.poll(Duration.ofMillis(200)).count();
            }
        }
        check(again == n, "assign() consumer read " + again + " of " + n);
        System.out.println("OK produced=" + n + " consumed=" + got.size() + " reread=" + again);
    }

    /** AppInfoParser exists in old clients (it moved in newer ones), so look it up reflectively. */
    private static String clientVersion() {
        try {
            return (String) Class.forName("org.apache.kafka.common.utils.AppInfoParser").getMethod("getVersion")
                    .invoke(null);
        } catch (ReflectiveOperationException e) {
            return "unknown (" + e + ")";
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
