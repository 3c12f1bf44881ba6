package dev.hearth.cluster;

import dev.hearth.api.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinkEmulationTest {
    @Test
    void aMessageWaitsHalfTheRoundTripPlusItsBytesOverTheRate() {
        LinkEmulation link = new LinkEmulation(Duration.ofMillis(1), 1_000_000_000L);

        assertThat(link.delayNanos(0)).isEqualTo(500_000);
        // 8,192 bytes (2,048 float32 activations) at 1 Gbit/s: 65,536 ns on the wire
        assertThat(link.delayNanos(8192)).isEqualTo(500_000 + 65_536);
        assertThat(new LinkEmulation(Duration.ZERO, 0).delayNanos(1 << 20)).isZero();
        assertThat(LinkEmulation.none().active()).isFalse();
        assertThat(new LinkEmulation(Duration.ZERO, 1000).active()).isTrue();
    }

    @Test
    void delaysAndRatesParseLikeTc() {
        assertThat(LinkEmulation.parseDelay("0")).isZero();
        assertThat(LinkEmulation.parseDelay("1ms")).isEqualTo(Duration.ofMillis(1));
        assertThat(LinkEmulation.parseDelay("1.5ms")).isEqualTo(Duration.ofNanos(1_500_000));
        assertThat(LinkEmulation.parseDelay("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(LinkEmulation.parseDelay("5")).isEqualTo(Duration.ofMillis(5));
        assertThat(LinkEmulation.parseRate("1gbit")).isEqualTo(1_000_000_000L);
        assertThat(LinkEmulation.parseRate("100mbit")).isEqualTo(100_000_000L);
        assertThat(LinkEmulation.parseRate("0")).isZero();
        assertThatThrownBy(() -> LinkEmulation.parseDelay("1 fortnight")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> LinkEmulation.parseRate("1gbps")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> new LinkEmulation(Duration.ofMillis(-1), 0)).isInstanceOf(ConfigurationException.class);
        assertThat(new LinkEmulation(Duration.ofMillis(5), 1_000_000_000L).describe())
                .isEqualTo("RTT 5.0 ms (half each way), 1 Gbit/s");
    }
}
