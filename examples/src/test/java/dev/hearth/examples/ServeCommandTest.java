package dev.hearth.examples;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ServeCommandTest {

    private static String stories260K() {
        Path path = Path.of(System.getProperty("hearth.shared.models"), "gguf", "stories260K.gguf");
        assertThat(path).as("shared test model").isRegularFile();
        return path.toString();
    }

    @Test
    void servesTheModelUntilStopped() throws Exception {
        ServeCommand serve = new ServeCommand();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(serve)
                .execute("--model", stories260K(), "--threads", "1", "--port", "0", "--token", "t0ken"));
        var server = serve.awaitStarted();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(server.baseUri() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer t0ken").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"stories260K\",\"max_tokens\":8,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"completion_tokens\":8");
        } finally {
            serve.stop();
        }
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAToken() {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
        int exit;
        try {
            // an empty --token also overrides a HEARTH_TOKEN the environment might carry
            exit = HearthCommand.execute("serve", "--model", stories260K(), "--threads", "1", "--host", "0.0.0.0",
                    "--port", "0", "--token", "");
        } finally {
            System.setErr(original);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("error: Refusing to serve on 0.0.0.0 without a bearer token");
    }
}
