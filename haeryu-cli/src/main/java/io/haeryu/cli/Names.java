package io.haeryu.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** "Did you mean" for topic and group names: the closest existing names by edit distance. */
final class Names {
    private Names() {
    }

    /** The not-found message for a topic or group, with the closest names and where to list them all. */
    static CliException notFound(String kind, String name, Collection<String> existing, String listCommand) {
        List<String> close = closest(name, existing);
        String msg = kind + " '" + name + "' does not exist.";
        if (!close.isEmpty()) {
            msg += " Did you mean: " + String.join(", ", close) + "?";
        }
        return new CliException(CliException.NOT_FOUND, msg + "\n  List them with: " + listCommand);
    }

    static List<String> closest(String name, Collection<String> candidates) {
        // A third of the name's length tolerates typos in long names without suggesting everything for short ones.
        int max = Math.max(2, name.length() / 3);
        return candidates.stream()
            .filter(c -> distance(name, c) <= max || c.contains(name) || name.contains(c))
            .sorted(Comparator.comparingInt((String c) -> distance(name, c)).thenComparing(c -> c))
            .limit(5)
            .toList();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(subst, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
