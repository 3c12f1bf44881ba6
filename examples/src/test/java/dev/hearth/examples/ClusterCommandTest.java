package dev.hearth.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterCommandTest {
    private static String stories260K() {
        return Path.of(System.getProperty("hearth.shared.models"), "gguf", "stories260K.gguf").toString();
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            int exit = HearthCommand.execute(args);
            return new Run(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void planPrintsEachStagesLayersAndMemoryBeforeAnythingLoads() {
        Run two = run("cluster", "plan", "--model", stories260K(), "--context", "128", "--budgets", "1MiB,1MiB");

        assertThat(two.exit()).isZero();
        assertThat(two.out()).contains("stories260K.gguf: 5 layers")
                .contains("node-1").contains("layers [0, 3)").contains("node-2").contains("layers [3, 5)")
                .contains("of       1,048,576 bytes");
    }

    @Test
    void aModelOverTheOnlyNodesBudgetIsRefusedWithItsNeed() {
        Run one = run("cluster", "plan", "--model", stories260K(), "--context", "128", "--budgets", "1MiB");

        assertThat(one.exit()).isNotZero();
        assertThat(one.err()).contains("no split fits").contains("1,335,040");
    }
}
