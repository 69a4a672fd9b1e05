package io.haeryu.cli;

import io.haeryu.json.Json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTripsThroughAJsonParser() throws Exception {
        String tricky = "quote \" backslash \\ newline \n tab \t bell \u0007 unicode 해류";
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("s", tricky);
        doc.put("n", 42L);
        doc.put("d", 1.5);
        doc.put("b", true);
        doc.put("null", null);
        doc.put("list", Arrays.asList(1, "two", null));
        doc.put("nested", Map.of("k", List.of()));

        JsonNode parsed = new ObjectMapper().readTree(Json.write(doc));
        assertThat(parsed.get("s").asText()).isEqualTo(tricky);
        assertThat(parsed.get("n").asLong()).isEqualTo(42);
        assertThat(parsed.get("d").asDouble()).isEqualTo(1.5);
        assertThat(parsed.get("b").asBoolean()).isTrue();
        assertThat(parsed.get("null").isNull()).isTrue();
        assertThat(parsed.get("list").get(1).asText()).isEqualTo("two");
        assertThat(parsed.get("list").get(2).isNull()).isTrue();
        assertThat(parsed.get("nested").get("k").isArray()).isTrue();
    }
}
