package io.haeryu.cluster;

import io.haeryu.config.BrokerConfig;
import io.haeryu.config.TopicConfigs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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
 *       {@code replica.lag.time.max.ms} for the leader to notice.</li>
 *   <li>Every periodic check ({@code leader.imbalance.check.interval.seconds}) with
 *       {@code auto.leader.rebalance.enable} moves leadership back to the preferred (first) replica when it is in
 *       the ISR.</li>
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
                Rules rules = new Rules(live, shuttingDown, unclean, preferred);
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

    /** What the controller weighs for one partition. */
    record Rules(Set<Integer> live, Set<Integer> shuttingDown, boolean unclean, boolean preferred) {
        boolean usable(int broker) {
            return live.contains(broker) && !shuttingDown.contains(broker);
        }
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
        if (leader >= 0 && rules.live().contains(leader)) {
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
