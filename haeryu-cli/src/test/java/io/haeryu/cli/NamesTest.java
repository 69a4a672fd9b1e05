package io.haeryu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void closestNamesByEditDistanceThenAlphabetically() {
        List<String> topics = List.of("orders", "orders-dlq", "payments", "order", "users");
        assertThat(Names.closest("ordres", topics)).containsExactly("order", "orders");
        assertThat(Names.closest("dlq", topics)).containsExactly("orders-dlq");
        assertThat(Names.closest("zzz", topics)).isEmpty();
        assertThat(Names.distance("kitten", "sitting")).isEqualTo(3);
    }
}
