package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;

/**
 * The controller id told to clients. Admin clients send controller-bound requests (CreateTopics, ...) to it and
 * wait forever for one if the answer is -1; any live broker can serve them, since all share ZooKeeper, so
 * without a live elected controller a broker names itself, as KRaft brokers name a random broker.
 */
final class ControllerIds {

    private ControllerIds() {
    }

    static int visibleController(MetadataImage image, int self) {
        int controller = image.controllerId();
        return controller >= 0 && image.brokers().containsKey(controller) ? controller : self;
    }
}
