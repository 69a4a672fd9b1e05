package io.haeryu.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.InvalidTopicException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"orders", "a", "A-Z_0.9", "__consumer_offsets", "..."})
    void acceptsLegalNames(String name) {
        assertThatCode(() -> TopicNames.validate(name)).doesNotThrowAnyException();
    }

    @Test
    void acceptsExactly249Characters() {
        assertThatCode(() -> TopicNames.validate("t".repeat(249))).doesNotThrowAnyException();
    }

    @Test
    void rejects250CharactersWithKafkasWording() {
        String name = "t".repeat(250);
        assertThatThrownBy(() -> TopicNames.validate(name))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Topic name is invalid: the length of '" + name + "' is longer than the max allowed length 249");
    }

    @Test
    void rejectsEmptyAndDots() {
        assertThatThrownBy(() -> TopicNames.validate(""))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Topic name is invalid: the empty string is not allowed");
        assertThatThrownBy(() -> TopicNames.validate("."))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Topic name is invalid: '.' is not allowed");
        assertThatThrownBy(() -> TopicNames.validate(".."))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Topic name is invalid: '..' is not allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a/b", "topic!", "tõpic", "a\nb", "a:b"})
    void rejectsIllegalCharacters(String name) {
        assertThatThrownBy(() -> TopicNames.validate(name))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Topic name is invalid: '" + name
                        + "' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'");
    }

    @Test
    void dotAndUnderscoreCollide() {
        assertThat(TopicNames.collide("a.b", "a_b")).isTrue();
        assertThat(TopicNames.collide("a_b.c", "a.b_c")).isTrue();
        assertThat(TopicNames.collide("a.b", "a-b")).isFalse();
        assertThat(TopicNames.collide("ab", "a_b")).isFalse();
    }
}
