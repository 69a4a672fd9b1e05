package io.haeryu.cli;

import io.haeryu.json.Json;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List groups with their type and state.")
final class GroupListCommand extends ClientCommand {
    @Override
    int run() throws Exception {
        List<GroupListing> groups;
        try (Admin admin = client.admin()) {
            groups = new ArrayList<>(await(admin.listGroups().all()));
        }
        groups.sort(Comparator.comparing(GroupListing::groupId));
        if (client.json()) {
            List<Object> list = new ArrayList<>();
            for (GroupListing g : groups) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("group", g.groupId());
                m.put("type", g.type().map(Object::toString).orElse(null));
                m.put("state", g.groupState().map(Object::toString).orElse(null));
                m.put("protocol", g.protocol());
                list.add(m);
            }
            out().println(Json.write(Map.of("groups", list)));
            out().flush();
        } else {
            Table t = new Table("GROUP", "TYPE", "STATE");
            groups.forEach(g -> t.row(g.groupId(), g.type().orElse(null), g.groupState().orElse(null)));
            t.print(out());
        }
        return 0;
    }
}
