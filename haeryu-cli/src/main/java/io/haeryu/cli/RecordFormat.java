package io.haeryu.cli;

import io.haeryu.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * How {@code haeryu consume} prints a record: plain (the value), kv (key TAB value), json (one object per line) or a
 * template with %t topic, %p partition, %o offset, %T timestamp (ms), %k key, %v value, %h headers (k=v,...), %%
 * a percent sign, and \n / \t escapes. Keys and values are decoded as UTF-8; a missing key prints as null.
 */
final class RecordFormat {
    private final String template;

    private RecordFormat(String template) {
        this.template = template;
    }

    static RecordFormat parse(String format) {
        return switch (format) {
            case "plain" -> new RecordFormat("%v");
            case "kv" -> new RecordFormat("%k\t%v");
            case "json" -> new RecordFormat(null);
            default -> {
                if (!format.contains("%")) {
                    throw new IllegalArgumentException("Unknown format '" + format + "': use plain, kv, json or a "
                        + "template with %t %p %o %T %k %v %h, e.g. '%k=%v @%o'");
                }
                yield new RecordFormat(format.replace("\\n", "\n").replace("\\t", "\t"));
            }
        };
    }

    String format(ConsumerRecord<byte[], byte[]> r) {
        if (template == null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", r.topic());
            m.put("partition", r.partition());
            m.put("offset", r.offset());
            m.put("timestamp", r.timestamp());
            m.put("key", text(r.key()));
            m.put("value", text(r.value()));
            Map<String, Object> headers = new LinkedHashMap<>();
            r.headers().forEach(h -> headers.put(h.key(), text(h.value())));
            m.put("headers", headers);
            return Json.write(m);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%' || i + 1 == template.length()) {
                sb.append(c);
                continue;
            }
            char p = template.charAt(++i);
            switch (p) {
                case 't' -> sb.append(r.topic());
                case 'p' -> sb.append(r.partition());
                case 'o' -> sb.append(r.offset());
                case 'T' -> sb.append(r.timestamp());
                case 'k' -> sb.append(text(r.key()));
                case 'v' -> sb.append(text(r.value()));
                case 'h' -> sb.append(StreamSupport.stream(r.headers().spliterator(), false)
                    .map((Header h) -> h.key() + "=" + text(h.value())).collect(Collectors.joining(",")));
                case '%' -> sb.append('%');
                default -> sb.append('%').append(p);
            }
        }
        return sb.toString();
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
