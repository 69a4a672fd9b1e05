package io.haeryu.cli;

import static io.haeryu.cli.ClientCommand.await;

import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** Group look-ups shared by the group subcommands. */
final class Groups {
    private Groups() {
    }

    /** Describes a group that exists; an unknown id becomes a not-found error that suggests close ids. */
    static ConsumerGroupDescription describe(Admin admin, String group) throws Exception {
        ConsumerGroupDescription d = describeOrNull(admin, group);
        if (d == null) {
            throw notFound(admin, group);
        }
        return d;
    }

    /**
     * The group, or null if the coordinator has never heard of it. Classic coordinators answer an unknown group
     * with state Dead rather than an error, so both mean "no such group".
     */
    static ConsumerGroupDescription describeOrNull(Admin admin, String group) throws Exception {
        try {
            ConsumerGroupDescription d = await(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group));
            return d.groupState() == GroupState.DEAD ? null : d;
        } catch (GroupIdNotFoundException e) {
            return null;
        }
    }

    static CliException notFound(Admin admin, String group) throws Exception {
        List<String> ids = await(admin.listGroups().all()).stream().map(GroupListing::groupId).toList();
        return Names.notFound("Group", group, ids, "haeryu group list");
    }
}
