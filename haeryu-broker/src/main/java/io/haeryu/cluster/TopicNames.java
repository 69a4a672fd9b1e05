package io.haeryu.cluster;

import org.apache.kafka.common.errors.InvalidTopicException;

/** Kafka's topic naming rules, with Kafka's error wording so clients see familiar messages. */
public final class TopicNames {

    public static final int MAX_LENGTH = 249;

    private TopicNames() {
    }

    /** @throws InvalidTopicException if {@code name} is not a legal topic name */
    public static void validate(String name) {
        String problem = problemWith(name);
        if (problem != null) {
            throw new InvalidTopicException("Topic name is invalid: " + problem);
        }
    }

    /**
     * Whether two distinct names would clash in metric names, where Kafka treats '.' and '_' alike
     * (e.g. "a.b" and "a_b").
     */
    public static boolean collide(String first, String second) {
        return unifyCollisionChars(first).equals(unifyCollisionChars(second));
    }

    private static String unifyCollisionChars(String name) {
        return name.replace('.', '_');
    }

    private static String problemWith(String name) {
        if (name == null || name.isEmpty()) {
            return "the empty string is not allowed";
        }
        if (name.equals(".")) {
            return "'.' is not allowed";
        }
        if (name.equals("..")) {
            return "'..' is not allowed";
        }
        if (name.length() > MAX_LENGTH) {
            return "the length of '" + name + "' is longer than the max allowed length " + MAX_LENGTH;
        }
        if (!name.chars().allMatch(TopicNames::isLegalChar)) {
            return "'" + name + "' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'";
        }
        return null;
    }

    private static boolean isLegalChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }
}
