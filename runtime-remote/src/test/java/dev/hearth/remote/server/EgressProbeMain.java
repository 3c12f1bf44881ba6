package dev.hearth.remote.server;

import dev.hearth.api.InferenceClient;
import dev.hearth.local.Gguf;
import dev.hearth.local.onnx.Onnx;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link NoEgressTest} watches from outside: the GGUF engine, the ONNX decoder and embedding runtimes, and the
 * node server answering a request over loopback, then a wait long enough for anything scheduled in the background
 * (ONNX Runtime's telemetry went out about 11 s after start).
 * Arguments: the shared models directory, seconds to wait at the end.
 */
public final class EgressProbeMain {
    private EgressProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args[0]);
        long waitSeconds = Long.parseLong(args[1]);
        try (InferenceClient gguf = InferenceClient.builder()
                .runtime(Gguf.model(models.resolve("gguf/stories260K.gguf")).threads(1).contextLength(256)).build();
             InferenceClient onnx = InferenceClient.builder()
                     .runtime(Onnx.model(models.resolve("onnx/tiny-random-LlamaForCausalLM-fp16")).threads(1))
                     .runtime(Onnx.allMiniLmL6V2()).build();
             NodeServer server = NodeServer.builder().client(gguf).bind("127.0.0.1", 0).build().start()) {
            System.out.println("gguf: " + gguf.chat().user("Once upon a time").temperature(0).maxTokens(4).call().text());
            System.out.println("onnx: " + onnx.chat().user("Hello").temperature(0).maxTokens(4).call().text());
            System.out.println("embedding: " + onnx.embed(List.of("a cat")).embeddings().getFirst().vector().length);
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(server.baseUri() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"stories260K\",\"max_tokens\":4,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println("server: " + answer.statusCode());
            Thread.sleep(waitSeconds * 1000);
        }
        System.out.println("done");
    }
}
