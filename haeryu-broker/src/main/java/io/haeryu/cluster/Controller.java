package io.haeryu.cluster;

import io.haeryu.config.BrokerConfig;
import io.haeryu.config.TopicConfigs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster controller's decisions, run only on the broker that won the {@link ControllerElection}. It is
 * level-triggered: whenever the metadata image changes (a broker came or went, asked to shut down, a topic
 * appeared) it walks every partition and fixes what the live brokers require, so a newly elected controller needs
 * no history to take over, and a missed event is repaired by the next one.
 *
 * <ul>
 *   <li>A partition whose leader is gone (or shutting down) gets a new leader: the first live replica, in
 *       assignment order, that is in the ISR. With none, the partition goes offline (leader -1, ISR kept, so the
 *       last in-sync replica is elected when it returns), unless {@code unclean.leader.election.enable} lets any
 *       live replica lead, accepting the loss of what it lacks.</li>
 *   <li>Brokers that are gone are removed from every ISR at once, so {@code acks=all} does not wait
 *       {@code replica.lag.time.max.ms} for the leader to notice. So are replicas a broker reports offline after
 *       one of its log directories failed; a partition led by one gets a new leader as above.</li>
 *   <li>Every periodic check ({@code leader.imbalance.check.interval.seconds}) with
 *       {@code auto.leader.rebalance.enable} moves leadership back to the preferred (first) replica when it is in
 *       the ISR.</li>
 *   <li>Partition reassignment (KIP-455, as Kafka's ZooKeeper-era controller): the assignment becomes original ∪
 *       target with {@code adding_replicas}/{@code removing_replicas} in the topic znode, so the new replicas
 *       follow and catch up; once every target replica is in the ISR the assignment becomes the target, the
 *       leader moves into it if needed, the ISR shrinks to it, and removed replicas delete their logs.</li>
 * </ul>
 *
 * Each change bumps the leader epoch, which fences the old leader's followers and clients, and is written with
 * {@link PartitionStateZk} conditionally on the znode version and this controller's epoch.
 */
public final class Controller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Controller.class);

    private final ZkMetadataStore store;
    private final ControllerElection election;
    private final PartitionStateZk states;
    private final BrokerConfig config;
    private final ScheduledExecutorService worker;
    private final AtomicBoolean passPending = new AtomicBoolean();
    private final MetadataListener trigger = (previous, current) -> schedulePass();

    public Controller(ZkMetadataStore store, ControllerElection election, PartitionStateZk states, BrokerConfig config) {
        this.store = store;
        this.election = election;
        this.states = states;
        this.config = config;
        this.worker = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("haeryu-controller"));
    }

    public void start() {
        store.addListener(trigger);
        long checkMs = TimeUnit.SECONDS.toMillis(config.getLong(BrokerConfig.LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS));
        worker.scheduleWithFixedDelay(() -> pass(config.getBoolean(BrokerConfig.AUTO_LEADER_REBALANCE_ENABLE)),
            checkMs, checkMs, TimeUnit.MILLISECONDS);
        schedulePass();
    }

    /**
     * The ElectLeaders API: a preferred election gives leadership back to the first replica if it is in sync; an
     * unclean one gives a leaderless partition to any live replica. Runs on the controller's thread, between
     * passes; {@code partitions} null means all.
     *
     * @throws NotControllerException if this broker is not the controller
     */
    public Map<TopicPartition, Errors> electLeaders(Collection<TopicPartition> partitions, boolean unclean)
            throws InterruptedException, ExecutionException {
        return worker.submit(() -> elect(partitions, unclean)).get();
    }

    private Map<TopicPartition, Errors> elect(Collection<TopicPartition> requested, boolean unclean) throws Exception {
        int epoch = election.epoch();
        if (epoch == ControllerElection.NO_EPOCH) {
            throw new NotControllerException("Broker is not the controller");
        }
        MetadataImage image = store.image();
        Collection<TopicPartition> partitions = requested != null ? requested : image.topicsByName().values().stream()
            .flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.name(), p.partition()))).toList();
        Map<TopicPartition, Errors> results = new HashMap<>();
        Rules rules = new Rules(image.brokers().keySet(), image.shuttingDownBrokers(), unclean, !unclean);
        for (TopicPartition tp : partitions) {
            Optional<PartitionState> state = image.partition(tp);
            if (state.isEmpty()) {
                results.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
                continue;
            }
            boolean needed = unclean ? !rules.usable(state.get().leader())
                : state.get().leader() != state.get().replicas().get(0);
            if (!needed) {
                results.put(tp, Errors.ELECTION_NOT_NEEDED);
            } else if (apply(tp.topic(), tp.partition(), state.get().replicas(), rules, epoch, election.epochZkVersion())) {
                results.put(tp, Errors.NONE);
            } else {
                results.put(tp, unclean ? Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE : Errors.PREFERRED_LEADER_NOT_AVAILABLE);
            }
        }
        return results;
    }

    /**
     * The AlterPartitionReassignments API: a present list starts (or replaces) a reassignment of the partition to
     * those replicas, an empty {@code Optional} cancels the ongoing one. Runs on the controller's thread.
     *
     * @throws NotControllerException if this broker is not the controller
     */
    public Map<TopicPartition, ApiError> alterReassignments(Map<TopicPartition, Optional<List<Integer>>> requested)
            throws InterruptedException, ExecutionException {
        return worker.submit(() -> reassign(requested)).get();
    }

    private Map<TopicPartition, ApiError> reassign(Map<TopicPartition, Optional<List<Integer>>> requested) {
        int epoch = election.epoch();
        if (epoch == ControllerElection.NO_EPOCH) {
            throw new NotControllerException("Broker is not the controller");
        }
        int epochZkVersion = election.epochZkVersion();
        MetadataImage image = store.image();
        Map<TopicPartition, ApiError> results = new LinkedHashMap<>();
        requested.forEach((tp, target) -> {
            ApiError result;
            if (image.partition(tp).isEmpty()) {
                result = new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Partition " + tp + " does not exist.");
            } else {
                result = target.map(t -> checkTarget(t, image)).orElse(null);
                if (result == null) {
                    try {
                        result = startOrCancel(tp, target.orElse(null), image, epoch, epochZkVersion);
                    } catch (Exception e) {
                        result = ApiError.fromThrowable(e);
                    }
                }
            }
            results.put(tp, result);
        });
        schedulePass(); // a reassignment whose target is already in sync completes at once
        return results;
    }

    /** Null if the target replicas are acceptable, else Kafka's error. */
    static ApiError checkTarget(List<Integer> target, MetadataImage image) {
        if (target.isEmpty()) {
            return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "The replica list is empty.");
        }
        // The messages name one broker: a client's list can be long enough to make an unsendable message.
        Set<Integer> seen = new HashSet<>();
        for (Integer broker : target) {
            if (!seen.add(broker)) {
                return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT,
                    "The replica list has duplicates: broker " + broker + " appears more than once.");
            }
            if (!image.brokers().containsKey(broker)) {
                return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT,
                    "Unknown or offline broker " + broker + " in the replica list.");
            }
        }
        return null;
    }

    /** Writes the start (target non-null) or cancellation (null) of a reassignment of one partition. */
    private ApiError startOrCancel(TopicPartition tp, List<Integer> target, MetadataImage image, int epoch,
                                   int epochZkVersion) throws Exception {
        Rules rules = new Rules(image.brokers().keySet(), image.shuttingDownBrokers(), false, false);
        for (int attempt = 0; attempt < 5; attempt++) {
            PartitionStateZk.VersionedAssignment va = states.readAssignment(tp.topic());
            ZkPayloads.TopicAssignment a = va.assignment();
            int p = tp.partition();
            if (p >= a.replicas().size()) {
                return new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Partition " + tp + " does not exist.");
            }
            List<Integer> replicas = a.replicas().get(p);
            List<Integer> adding = a.adding().getOrDefault(p, List.of());
            List<Integer> removing = a.removing().getOrDefault(p, List.of());
            boolean ongoing = !adding.isEmpty() || !removing.isEmpty();
            List<Integer> original = replicas.stream().filter(r -> !adding.contains(r)).toList();
            List<Integer> nextReplicas;
            List<Integer> nextAdding;
            List<Integer> nextRemoving;
            if (target == null) {
                if (!ongoing) {
                    return new ApiError(Errors.NO_REASSIGNMENT_IN_PROGRESS, "No reassignment of " + tp + " is in progress.");
                }
                nextReplicas = original;
                nextAdding = List.of();
                nextRemoving = List.of();
            } else {
                LinkedHashSet<Integer> union = new LinkedHashSet<>(target);
                union.addAll(original);
                nextAdding = target.stream().filter(r -> !original.contains(r)).toList();
                nextRemoving = original.stream().filter(r -> !target.contains(r)).toList();
                nextReplicas = nextAdding.isEmpty() && nextRemoving.isEmpty() ? target : List.copyOf(union);
            }
            if (nextReplicas.equals(replicas) && nextAdding.equals(adding) && nextRemoving.equals(removing)) {
                return ApiError.NONE;
            }
            PartitionStateZk.Versioned current = states.read(tp.topic(), p);
            ZkPayloads.LeaderAndIsr state = current.state();
            List<Integer> isr = state.isr().stream().filter(nextReplicas::contains).toList();
            int leader = state.leader();
            if (!nextReplicas.contains(leader) || !rules.usable(leader)) {
                leader = nextReplicas.stream().filter(r -> isr.contains(r) && rules.usable(r)).findFirst().orElse(-1);
                if (leader < 0) {
                    return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "None of " + nextReplicas
                        + " is in sync (ISR " + state.isr() + ") to lead " + tp + ".");
                }
            }
            // A new epoch, so that the leader starts tracking the added followers and everyone sees the new set.
            ZkPayloads.LeaderAndIsr next = new ZkPayloads.LeaderAndIsr(leader, state.leaderEpoch() + 1, isr);
            if (states.writeAssignmentAsController(tp.topic(), withPartition(a, p, nextReplicas, nextAdding, nextRemoving),
                    va.version(), p, next, current.version(), epoch, epochZkVersion)) {
                log.info("Partition {}: {} reassignment, replicas {} -> {} (adding {}, removing {}), leader {}, epoch {}, ISR {}",
                    tp, target == null ? "cancelled" : "started", replicas, nextReplicas, nextAdding, nextRemoving,
                    leader, next.leaderEpoch(), isr);
                // Answer once this broker's image shows it, so a ListPartitionReassignments that follows sees it.
                store.awaitImage(img -> img.partition(tp).filter(s -> s.replicas().equals(nextReplicas)
                    && s.leaderEpoch() >= next.leaderEpoch()).isPresent(), "reassignment of " + tp);
                return ApiError.NONE;
            }
            if (election.epoch() != epoch) {
                throw new NotControllerException("Broker is no longer the controller");
            }
        }
        return new ApiError(Errors.REQUEST_TIMED_OUT, "The state of " + tp + " kept changing; retry.");
    }

    /**
     * Finishes a reassignment whose target replicas are all in the ISR: the assignment becomes the target, a
     * leader outside it hands over to the first in-sync target replica, the ISR shrinks to the target, and the
     * removed replicas' brokers delete their logs when they see the new assignment. True if written.
     */
    private boolean maybeCompleteReassignment(String topic, int p, Rules rules, int epoch, int epochZkVersion)
            throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            PartitionStateZk.VersionedAssignment va = states.readAssignment(topic);
            ZkPayloads.TopicAssignment a = va.assignment();
            if (p >= a.replicas().size()) {
                return false;
            }
            List<Integer> removing = a.removing().getOrDefault(p, List.of());
            if (a.adding().getOrDefault(p, List.of()).isEmpty() && removing.isEmpty()) {
                return false;
            }
            List<Integer> target = a.replicas().get(p).stream().filter(r -> !removing.contains(r)).toList();
            PartitionStateZk.Versioned current = states.read(topic, p);
            ZkPayloads.LeaderAndIsr state = current.state();
            if (!state.isr().containsAll(target)) {
                return false;
            }
            int leader = state.leader();
            if (!target.contains(leader) || !rules.usable(leader)) {
                leader = target.stream().filter(rules::usable).findFirst().orElse(-1);
                if (leader < 0) {
                    return false;
                }
            }
            List<Integer> isr = state.isr().stream().filter(target::contains).toList();
            ZkPayloads.LeaderAndIsr next = new ZkPayloads.LeaderAndIsr(leader, state.leaderEpoch() + 1, isr);
            if (states.writeAssignmentAsController(topic, withPartition(a, p, target, List.of(), List.of()),
                    va.version(), p, next, current.version(), epoch, epochZkVersion)) {
                log.info("Partition {}-{}: reassignment completed, replicas {} -> {}, leader {}, epoch {}, ISR {}",
                    topic, p, a.replicas().get(p), target, leader, next.leaderEpoch(), isr);
                return true;
            }
            if (election.epoch() != epoch) {
                return false;
            }
        }
        return false;
    }

    private static ZkPayloads.TopicAssignment withPartition(ZkPayloads.TopicAssignment a, int p, List<Integer> replicas,
                                                            List<Integer> adding, List<Integer> removing) {
        List<List<Integer>> all = new ArrayList<>(a.replicas());
        all.set(p, replicas);
        Map<Integer, List<Integer>> addingAll = new HashMap<>(a.adding());
        Map<Integer, List<Integer>> removingAll = new HashMap<>(a.removing());
        addingAll.put(p, adding);
        removingAll.put(p, removing);
        return new ZkPayloads.TopicAssignment(a.topicId(), all, addingAll, removingAll);
    }

    private void schedulePass() {
        if (passPending.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    passPending.set(false);
                    pass(false);
                });
            } catch (RejectedExecutionException e) {
                // Closed while the notifier was still delivering an image: nothing left to decide.
            }
        }
    }

    private void pass(boolean preferred) {
        int epoch = election.epoch();
        if (epoch == ControllerElection.NO_EPOCH) {
            return;
        }
        int epochZkVersion = election.epochZkVersion();
        MetadataImage image = store.image();
        Set<Integer> live = image.brokers().keySet();
        Set<Integer> shuttingDown = image.shuttingDownBrokers();
        int changed = 0;
        long started = System.nanoTime();
        for (TopicInfo topic : image.topicsByName().values()) {
            boolean unclean = (Boolean) TopicConfigs.resolve(config, topic.configs())
                .get(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE);
            for (PartitionState state : topic.partitions()) {
                Rules rules = new Rules(live, shuttingDown, unclean, preferred,
                    offlineReplicas(image, new TopicPartition(topic.name(), state.partition())));
                if (state.reassigning() && state.isr().containsAll(state.targetReplicas())) {
                    try {
                        if (maybeCompleteReassignment(topic.name(), state.partition(), rules, epoch, epochZkVersion)) {
                            changed++;
                            continue;
                        }
                    } catch (Exception e) {
                        log.warn("Controller could not complete the reassignment of {}-{}: {}", topic.name(),
                            state.partition(), e.toString());
                    }
                }
                if (decide(state.replicas(), toLeaderAndIsr(state), rules).isEmpty()) {
                    continue;
                }
                try {
                    if (apply(topic.name(), state.partition(), state.replicas(), rules, epoch, epochZkVersion)) {
                        changed++;
                    }
                } catch (Exception e) {
                    // The next image change or periodic check tries again.
                    log.warn("Controller could not update {}-{}: {}", topic.name(), state.partition(), e.toString());
                }
            }
        }
        if (changed > 0) {
            log.info("Controller (epoch {}) changed leadership of {} partitions in {} ms (live brokers {}, shutting down {})",
                epoch, changed, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), live, shuttingDown);
        }
    }

    /** Re-decides on the znode's current state and writes conditionally; true if a change was written. */
    private boolean apply(String topic, int partition, List<Integer> replicas, Rules rules, int epoch,
                          int epochZkVersion) throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            PartitionStateZk.Versioned current = states.read(topic, partition);
            Optional<ZkPayloads.LeaderAndIsr> next = decide(replicas, current.state(), rules);
            if (next.isEmpty()) {
                return false;
            }
            if (states.writeAsController(topic, partition, next.get(), current.version(), epoch, epochZkVersion)) {
                log.info("Partition {}-{}: leader {} -> {}, epoch {}, ISR {}", topic, partition,
                    current.state().leader(), next.get().leader(), next.get().leaderEpoch(), next.get().isr());
                return true;
            }
            if (election.epoch() != epoch) {
                return false; // deposed: the new controller decides
            }
        }
        return false;
    }

    /**
     * What the controller weighs for one partition; {@code offline} are the brokers whose replica of it is offline
     * (a failed log directory): like dead brokers they neither lead nor stay in the ISR.
     */
    record Rules(Set<Integer> live, Set<Integer> shuttingDown, boolean unclean, boolean preferred, Set<Integer> offline) {
        Rules(Set<Integer> live, Set<Integer> shuttingDown, boolean unclean, boolean preferred) {
            this(live, shuttingDown, unclean, preferred, Set.of());
        }

        boolean usable(int broker) {
            return live.contains(broker) && !shuttingDown.contains(broker) && !offline.contains(broker);
        }
    }

    private static Set<Integer> offlineReplicas(MetadataImage image, TopicPartition tp) {
        Set<Integer> offline = new HashSet<>();
        image.offlineReplicas().forEach((broker, partitions) -> {
            if (partitions.contains(tp)) {
                offline.add(broker);
            }
        });
        return offline;
    }

    /** The state the partition should move to, or empty if it is fine as it is. */
    static Optional<ZkPayloads.LeaderAndIsr> decide(List<Integer> replicas, ZkPayloads.LeaderAndIsr current, Rules rules) {
        List<Integer> usableIsr = current.isr().stream().filter(rules::usable).toList();
        int nextEpoch = current.leaderEpoch() + 1;
        int leader = current.leader();
        if (leader >= 0 && rules.usable(leader)) {
            int preferred = replicas.get(0);
            if (rules.preferred() && preferred != leader && usableIsr.contains(preferred)) {
                return Optional.of(new ZkPayloads.LeaderAndIsr(preferred, nextEpoch, usableIsr));
            }
            if (usableIsr.size() != current.isr().size()) {
                return Optional.of(new ZkPayloads.LeaderAndIsr(leader, nextEpoch, usableIsr));
            }
            return Optional.empty();
        }
        Optional<Integer> clean = replicas.stream().filter(usableIsr::contains).findFirst();
        if (clean.isPresent()) {
            return Optional.of(new ZkPayloads.LeaderAndIsr(clean.get(), nextEpoch, usableIsr));
        }
        if (leader >= 0 && rules.live().contains(leader) && !rules.offline().contains(leader)) {
            // Shutting down with nobody in sync to take over: it keeps leading rather than taking the partition offline.
            return Optional.empty();
        }
        if (rules.unclean()) {
            Optional<Integer> any = replicas.stream().filter(rules::usable).findFirst();
            if (any.isPresent()) {
                log.warn("Unclean leader election: broker {} was not in sync ({}), records may be lost", any.get(),
                    current.isr());
                return Optional.of(new ZkPayloads.LeaderAndIsr(any.get(), nextEpoch, List.of(any.get())));
            }
        }
        if (leader < 0) {
            return Optional.empty();
        }
        // Offline. The ISR is kept so that its members, the only ones holding everything committed, lead on return.
        return Optional.of(new ZkPayloads.LeaderAndIsr(-1, nextEpoch, current.isr()));
    }

    private static ZkPayloads.LeaderAndIsr toLeaderAndIsr(PartitionState state) {
        return new ZkPayloads.LeaderAndIsr(state.leader(), state.leaderEpoch(), new ArrayList<>(state.isr()));
    }

    @Override
    public void close() {
        store.removeListener(trigger);
        worker.shutdownNow();
    }
}
