package io.haeryu.cli;

import io.haeryu.json.Json;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;

@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Cluster id, brokers, controller, topic count, under-replicated and offline partitions.")
final class ClusterInfoCommand extends ClientCommand {
    @Override
    int run() throws Exception {
        String clusterId;
        Node controller;
        List<Node> brokers;
        Collection<TopicDescription> topics;
        try (Admin admin = client.admin()) {
            DescribeClusterResult c = admin.describeCluster();
            clusterId = await(c.clusterId());
            controller = await(c.controller());
            brokers = new ArrayList<>(await(c.nodes()));
            var names = await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names());
            topics = await(admin.describeTopics(names).allTopicNames()).values();
        }
        brokers.sort(Comparator.comparingInt(Node::id));
        int partitions = 0;
        int underReplicated = 0;
        int offline = 0;
        for (TopicDescription t : topics) {
            for (TopicPartitionInfo p : t.partitions()) {
                partitions++;
                if (p.leader() == null || p.leader().isEmpty()) {
                    offline++;
                }
                if (p.isr().size() < p.replicas().size()) {
                    underReplicated++;
                }
            }
        }
        if (client.json()) {
            List<Object> list = new ArrayList<>();
            for (Node n : brokers) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", n.id());
                m.put("host", n.host());
                m.put("port", n.port());
                m.put("rack", n.rack());
                list.add(m);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("clusterId", clusterId);
            doc.put("controller", controller == null || controller.isEmpty() ? null : controller.id());
            doc.put("brokers", list);
            doc.put("topics", topics.size());
            doc.put("partitions", partitions);
            doc.put("underReplicatedPartitions", underReplicated);
            doc.put("offlinePartitions", offline);
            out().println(Json.write(doc));
            out().flush();
            return 0;
        }
        out().println("Cluster id:   " + clusterId);
        out().println("Controller:   " + (controller == null || controller.isEmpty() ? "none" : controller.id()));
        out().println("Topics:       " + topics.size() + " (" + partitions + " partitions)");
        out().println("Under-replicated partitions: " + underReplicated);
        out().println("Offline partitions:          " + offline);
        out().println();
        Table t = new Table("BROKER", "HOST", "PORT", "RACK");
        brokers.forEach(n -> t.row(n.id(), n.host(), n.port(), n.rack()));
        t.print(out());
        return 0;
    }
}
