package dev.hearth.remote.server;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.testing.ScriptedRuntime;
import dev.hearth.api.testing.TokenGate;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that goes away cancels its generation: the model stops working for nobody. */
class DisconnectTest {
    private static final int SCRIPT_TOKENS = 200_000;

    private static ScriptedRuntime endlessRuntime(TokenGate gate) {
        return ScriptedRuntime.builder().gate(gate).tokens(Collections.nCopies(SCRIPT_TOKENS, " word")).build();
    }

    private static Socket send(ScriptedNode node, String path, String body) throws IOException {
        Socket socket = new Socket("127.0.0.1", node.server.port());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return socket;
    }

    @Test
    void closingAStreamMidwayCancelsTheGeneration() throws Exception {
        TokenGate gate = new TokenGate(3);
        try (ScriptedNode node = new ScriptedNode(endlessRuntime(gate), builder -> builder)) {
            Socket socket = send(node, "/v1/chat/completions",
                    "{\"model\":\"scripted-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}");
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            int contentEvents = 0;
            while (contentEvents < 3) {
                String line = reader.readLine();
                assertThat(line).as("the stream ended early").isNotNull();
                if (line.contains("\"content\":\" word\"")) {
                    contentEvents++;
                }
            }
            socket.close();
            gate.open();

            ChatResponse finished = node.runtime.awaitFinished();
            assertThat(finished.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(finished.usage().completionTokens()).isLessThan(SCRIPT_TOKENS);
        }
    }

    @Test
    void closingAnAnthropicStreamCancelsTheGeneration() throws Exception {
        TokenGate gate = new TokenGate(1);
        try (ScriptedNode node = new ScriptedNode(endlessRuntime(gate), builder -> builder)) {
            Socket socket = send(node, "/v1/messages", "{\"model\":\"scripted-model\",\"max_tokens\":1000000,\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}");
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = reader.readLine();
                assertThat(line).as("the stream ended early").isNotNull();
            } while (!line.contains("text_delta"));
            socket.close();
            gate.open();

            assertThat(node.runtime.awaitFinished().finishReason()).isEqualTo(FinishReason.CANCELLED);
        }
    }

    @Test
    void closingAnOllamaNdjsonStreamCancelsTheGeneration() throws Exception {
        TokenGate gate = new TokenGate(1);
        try (ScriptedNode node = new ScriptedNode(endlessRuntime(gate), builder -> builder)) {
            Socket socket = send(node, "/api/generate", "{\"model\":\"scripted-model\",\"prompt\":\"go\"}");
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = reader.readLine();
                assertThat(line).as("the stream ended early").isNotNull();
            } while (!line.contains("\"response\":\" word\""));
            socket.close();
            gate.open();

            assertThat(node.runtime.awaitFinished().finishReason()).isEqualTo(FinishReason.CANCELLED);
        }
    }

    /**
     * A blocking request whose client leaves is cancelled although nothing is written to it, and its slot goes to the
     * next request. The gate never lets the first generation's second token through: it can only end by cancellation.
     */
    @Test
    void closingABlockingRequestCancelsItsGenerationAndFreesItsSlot() throws Exception {
        TokenGate gate = new TokenGate(1);
        try (ScriptedNode node = new ScriptedNode(endlessRuntime(gate), builder -> builder.maxConcurrentRequests(1).queueCapacity(1))) {
            Socket socket = send(node, "/v1/chat/completions", "{\"model\":\"scripted-model\",\"max_tokens\":1000000,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}");
            while (node.runtime.tokensProduced() < 1) {
                Thread.onSpinWait(); // the generation is under way: the first token has passed the gate
            }
            socket.close();

            ChatResponse first = node.runtime.awaitFinished();
            assertThat(first.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(first.usage().completionTokens()).isEqualTo(1);

            gate.release(2);
            OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(node.url("/v1")).apiKey("none").maxRetries(0).build();
            try {
                ChatCompletion second = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                        .model(ScriptedNode.MODEL).addUserMessage("go").maxCompletionTokens(2).build());
                assertThat(second.usage().orElseThrow().completionTokens()).isEqualTo(2);
            } finally {
                openai.close();
            }
        }
    }
}
