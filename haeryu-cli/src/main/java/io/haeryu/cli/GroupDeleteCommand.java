package io.haeryu.cli;

import io.haeryu.json.Json;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Delete a group and its committed offsets (the group must have no active members).")
final class GroupDeleteCommand extends ClientCommand {
    @Parameters(paramLabel = "GROUP")
    String group;

    @Override
    int run() throws Exception {
        try (Admin admin = client.admin()) {
            try {
                await(admin.deleteConsumerGroups(List.of(group)).all());
            } catch (GroupIdNotFoundException e) {
                throw Groups.notFound(admin, group);
            } catch (GroupNotEmptyException e) {
                throw new CliException(CliException.FAILED, "Group " + group + " still has active members; stop its "
                    + "consumers first (see them with: haeryu group describe " + group + ").");
            }
        }
        out().println(client.json() ? Json.write(Map.of("deleted", group)) : "Deleted group " + group + ".");
        out().flush();
        return 0;
    }
}
