package io.haeryu.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void roundTripsNestedValues() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("version", 3L);
        value.put("text", "quote \" backslash \\ newline \n tab \t ctl \u0001 ünï");
        value.put("list", List.of(1L, -2L, List.of()));
        value.put("map", Map.of("k", true));
        value.put("none", null);
        value.put("flag", false);
        String text = Json.write(value);
        assertThat(Json.parse(text)).isEqualTo(value);
        assertThat(text).startsWith("{\"version\":3,\"text\":\"quote \\\" backslash");
    }

    @Test
    void parsesWhitespaceAndKafkaWrittenJson() {
        Object parsed = Json.parse(" { \"version\" : 1 , \"partitions\" : { \"0\" : [ 1 , 2 ] } } ");
        assertThat(parsed).isEqualTo(Map.of("version", 1L, "partitions", Map.of("0", Arrays.asList(1L, 2L))));
    }

    @Test
    void rejectsMalformedInput() {
        assertThatThrownBy(() -> Json.parse("{\"a\":1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("[1,]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("{} x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("\"open")).isInstanceOf(IllegalArgumentException.class);
    }
}
