package dev.hearth.cluster;

import dev.hearth.api.ConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSecretTest {

    @Test
    void everyCredentialDependsOnTheSecretAndNoneContainsIt() {
        ClusterSecret one = ClusterSecret.of("first-secret-0123456789");
        ClusterSecret other = ClusterSecret.of("other-secret-0123456789");

        assertThat(one.hazelcastClusterName("home")).startsWith("home-").isNotEqualTo(other.hazelcastClusterName("home"))
                .doesNotContain("first-secret");
        assertThat(one.grpcToken()).isNotEqualTo(other.grpcToken()).doesNotContain("first-secret");
        assertThat(one.acceptsToken(one.grpcToken())).isTrue();
        assertThat(one.acceptsToken(other.grpcToken())).isFalse();
        assertThat(one.acceptsToken(null)).isFalse();
        assertThat(one.verify("node|host:1", one.sign("node|host:1"))).isTrue();
        assertThat(one.verify("node|host:2", one.sign("node|host:1"))).isFalse();
        assertThat(other.verify("node|host:1", one.sign("node|host:1"))).isFalse();
    }

    @Test
    void withoutASecretNamesStayPlainAndShortSecretsAreRefused() {
        assertThat(ClusterSecret.none().hazelcastClusterName("home")).isEqualTo("home");
        assertThat(ClusterSecret.none().acceptsToken("")).isTrue();
        assertThat(ClusterSecret.none().acceptsToken("anything")).isFalse();
        assertThatThrownBy(() -> ClusterSecret.of("short")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void sizesParseWithBinaryAndDecimalUnits() {
        assertThat(DataSizes.parse("3GiB")).isEqualTo(3L << 30);
        assertThat(DataSizes.parse("512 MiB")).isEqualTo(512L << 20);
        assertThat(DataSizes.parse("2GB")).isEqualTo(2_000_000_000L);
        assertThat(DataSizes.parse("1234")).isEqualTo(1234);
        assertThatThrownBy(() -> DataSizes.parse("lots")).isInstanceOf(ConfigurationException.class);
    }
}
