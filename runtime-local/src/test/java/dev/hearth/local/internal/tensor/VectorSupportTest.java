package dev.hearth.local.internal.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VectorSupportTest {

    @Test
    void requirePassesWhenTheVectorModuleIsPresent() {
        assertThatCode(VectorSupport::require).doesNotThrowAnyException();
        assertThat(VectorSupport.floatLanes()).isPositive();
    }

    @Test
    void requireTellsWhichFlagsToAddWhenTheVectorModuleIsMissing() throws IOException, InterruptedException {
        // A child JVM without --add-modules: the only honest way to see the boot layer lack the module.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(
                        java, "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                        RequireVectorApiMain.class.getName()))
                .redirectErrorStream(true)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output)
                .contains("dev.hearth.api.ConfigurationException")
                .contains("--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED");
    }
}
