package io.haeryu.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

/**
 * Kafka's replica placement (ZooKeeper-era {@code AdminUtils.assignReplicasToBrokers}): leaders go round robin
 * over the brokers from a start index; followers follow at a shift that grows every full round, so replicas of
 * consecutive partitions don't always land on the same neighbours. When every broker has a rack, brokers are
 * first ordered alternating between racks and followers skip racks that already hold a replica.
 */
public final class ReplicaAssigner {

    private ReplicaAssigner() {
    }

    /**
     * @param startIndexSeed picks the first leader and the initial follower shift (taken modulo the broker count);
     *                       callers pass a random value so that leaders of different topics spread out
     * @return replicas per partition, the first replica being the preferred leader
     */
    public static List<List<Integer>> assign(Collection<BrokerRegistration> liveBrokers, int partitions,
                                             short replicationFactor, int startIndexSeed) {
        if (partitions <= 0) {
            throw new InvalidPartitionsException("Number of partitions must be larger than 0.");
        }
        if (replicationFactor <= 0) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
        }
        if (replicationFactor > liveBrokers.size()) {
            throw new InvalidReplicationFactorException("Replication factor: " + replicationFactor
                    + " larger than available brokers: " + liveBrokers.size() + ".");
        }
        boolean rackAware = liveBrokers.stream().allMatch(b -> b.rack() != null);
        return rackAware
                ? assignRackAware(liveBrokers, partitions, replicationFactor, startIndexSeed)
                : assignRackUnaware(liveBrokers, partitions, replicationFactor, startIndexSeed);
    }

    private static List<List<Integer>> assignRackUnaware(Collection<BrokerRegistration> liveBrokers, int partitions,
                                                         short replicationFactor, int startIndexSeed) {
        List<Integer> brokers = liveBrokers.stream().map(BrokerRegistration::id).sorted().toList();
        int n = brokers.size();
        int startIndex = Math.floorMod(startIndexSeed, n);
        int shift = startIndex;
        List<List<Integer>> assignment = new ArrayList<>(partitions);
        for (int partition = 0; partition < partitions; partition++) {
            if (partition > 0 && partition % n == 0) {
                shift++;
            }
            int first = (partition + startIndex) % n;
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            replicas.add(brokers.get(first));
            for (int j = 0; j < replicationFactor - 1; j++) {
                replicas.add(brokers.get(followerIndex(first, shift, j, n)));
            }
            assignment.add(List.copyOf(replicas));
        }
        return List.copyOf(assignment);
    }

    private static List<List<Integer>> assignRackAware(Collection<BrokerRegistration> liveBrokers, int partitions,
                                                       short replicationFactor, int startIndexSeed) {
        Map<Integer, String> rackOf = new TreeMap<>();
        liveBrokers.forEach(b -> rackOf.put(b.id(), b.rack()));
        List<Integer> brokers = rackAlternatedBrokers(rackOf);
        int n = brokers.size();
        int rackCount = (int) rackOf.values().stream().distinct().count();
        int startIndex = Math.floorMod(startIndexSeed, n);
        int shift = startIndex;
        List<List<Integer>> assignment = new ArrayList<>(partitions);
        for (int partition = 0; partition < partitions; partition++) {
            if (partition > 0 && partition % n == 0) {
                shift++;
            }
            int first = (partition + startIndex) % n;
            int leader = brokers.get(first);
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            replicas.add(leader);
            Set<String> racksUsed = new HashSet<>(Set.of(rackOf.get(leader)));
            Set<Integer> brokersUsed = new HashSet<>(Set.of(leader));
            int k = 0;
            while (replicas.size() < replicationFactor) {
                int broker = brokers.get(followerIndex(first, shift * rackCount, k++, n));
                String rack = rackOf.get(broker);
                // Prefer an unused rack and broker; once every rack (or broker) holds a replica, reuse is allowed.
                boolean rackOk = !racksUsed.contains(rack) || racksUsed.size() == rackCount;
                boolean brokerOk = !brokersUsed.contains(broker) || brokersUsed.size() == n;
                if (rackOk && brokerOk) {
                    replicas.add(broker);
                    racksUsed.add(rack);
                    brokersUsed.add(broker);
                }
            }
            assignment.add(List.copyOf(replicas));
        }
        return List.copyOf(assignment);
    }

    private static int followerIndex(int firstReplicaIndex, int shift, int followerNumber, int brokerCount) {
        int offset = 1 + (shift + followerNumber) % (brokerCount - 1);
        return (firstReplicaIndex + offset) % brokerCount;
    }

    /** Brokers ordered by taking one from each rack in turn, e.g. racks a:[0,1], b:[2] give [0, 2, 1]. */
    private static List<Integer> rackAlternatedBrokers(Map<Integer, String> rackOf) {
        Map<String, List<Integer>> brokersByRack = new TreeMap<>();
        rackOf.forEach((broker, rack) -> brokersByRack.computeIfAbsent(rack, r -> new ArrayList<>()).add(broker));
        List<Iterator<Integer>> perRack = brokersByRack.values().stream().map(List::iterator).toList();
        List<Integer> result = new ArrayList<>(rackOf.size());
        for (int rack = 0; result.size() < rackOf.size(); rack = (rack + 1) % perRack.size()) {
            Iterator<Integer> it = perRack.get(rack);
            if (it.hasNext()) {
                result.add(it.next());
            }
        }
        return result;
    }
}
