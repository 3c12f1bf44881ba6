package dev.hearth.remote.server;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.models.ModelInfo;
import com.anthropic.models.models.ModelListPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official Anthropic Java SDK, pointed at a node serving the real stories260K model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnthropicSdkTest {
    private StoriesNode node;
    private AnthropicClient anthropic;

    @BeforeAll
    void start() {
        node = StoriesNode.start();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(node.baseUrl()).apiKey("not-needed").maxRetries(0).build();
    }

    @AfterAll
    void stop() {
        anthropic.close();
        node.close();
    }

    /**
     * Greedy decoding. This SDK version no longer offers sampling parameters (newer Claude models reject them), but
     * older clients send {@code temperature}, and the server honours it.
     */
    private static MessageCreateParams.Builder greedy(long maxTokens) {
        return MessageCreateParams.builder().model(StoriesNode.MODEL).maxTokens(maxTokens)
                .addUserMessage(StoriesNode.PROMPT).putAdditionalBodyProperty("temperature", JsonValue.from(0.0));
    }

    private static String text(Message message) {
        return message.content().stream().flatMap(block -> block.text().stream()).map(block -> block.text())
                .collect(Collectors.joining());
    }

    @Test
    void blockingMessageReturnsTextStopReasonAndUsage() {
        Message message = anthropic.messages().create(greedy(12).system("A story.").build());

        assertThat(message.id()).startsWith("msg_");
        assertThat(message.model().asString()).isEqualTo(StoriesNode.MODEL);
        assertThat(message.content()).hasSize(1).allMatch(ContentBlock::isText);
        assertThat(text(message)).isNotBlank();
        assertThat(message.stopReason()).contains(StopReason.MAX_TOKENS);
        assertThat(message.usage().outputTokens()).isEqualTo(12);
        assertThat(message.usage().inputTokens()).isPositive();
        assertThat(message.usage().cacheReadInputTokens()).contains(0L);
    }

    @Test
    void streamedMessageFollowsAnthropicsEventSequenceAndEqualsTheBlockingOne() {
        String blocking = text(anthropic.messages().create(greedy(16).build()));

        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> sequence = new ArrayList<>();
        StringBuilder deltas = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(greedy(16).build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                sequence.add(kind(event));
                event.contentBlockDelta().flatMap(delta -> delta.delta().text()).ifPresent(text -> deltas.append(text.text()));
            });
        }

        assertThat(deltas.toString()).isEqualTo(blocking);
        assertThat(sequence.getFirst()).isEqualTo("message_start");
        assertThat(sequence.get(1)).isEqualTo("content_block_start");
        assertThat(sequence.subList(2, sequence.size() - 3)).isNotEmpty().containsOnly("content_block_delta");
        assertThat(sequence.subList(sequence.size() - 3, sequence.size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");
        Message message = accumulator.message();
        assertThat(text(message)).isEqualTo(blocking);
        assertThat(message.stopReason()).contains(StopReason.MAX_TOKENS);
        assertThat(message.usage().outputTokens()).isEqualTo(16);
        assertThat(message.usage().inputTokens()).isPositive();
    }

    private static String kind(RawMessageStreamEvent event) {
        if (event.isMessageStart()) return "message_start";
        if (event.isContentBlockStart()) return "content_block_start";
        if (event.isContentBlockDelta()) return "content_block_delta";
        if (event.isContentBlockStop()) return "content_block_stop";
        if (event.isMessageDelta()) return "message_delta";
        if (event.isMessageStop()) return "message_stop";
        throw new AssertionError("unexpected event " + event);
    }

    @Test
    void stopSequenceIsReportedWithItsText() {
        String full = text(anthropic.messages().create(greedy(24).build()));
        String stop = full.substring(full.length() / 2, full.length() / 2 + 3);

        Message stopped = anthropic.messages().create(greedy(24).addStopSequence(stop).build());

        assertThat(full).startsWith(text(stopped));
        assertThat(stopped.stopReason()).contains(StopReason.STOP_SEQUENCE);
        assertThat(stopped.stopSequence()).contains(stop);
    }

    @Test
    void unknownModelIsTheSdksNotFoundException() {
        assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder()
                .model("claude-sonnet-4-5").maxTokens(8).addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("claude-sonnet-4-5");
    }

    @Test
    void invalidTemperatureIsTheSdksBadRequestException() {
        assertThatThrownBy(() -> anthropic.messages().create(greedy(4)
                .putAdditionalBodyProperty("temperature", JsonValue.from(-1.0)).build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("temperature");
    }

    @Test
    void aNodeWithATokenChecksTheApiKeyHeader() {
        try (StoriesNode guarded = StoriesNode.start(builder -> builder.bearerToken("s3cret-token"))) {
            AnthropicClient wrong = AnthropicOkHttpClient.builder().baseUrl(guarded.baseUrl()).apiKey("wrong").maxRetries(0).build();
            AnthropicClient right = AnthropicOkHttpClient.builder().baseUrl(guarded.baseUrl()).apiKey("s3cret-token").maxRetries(0).build();
            try {
                assertThatThrownBy(() -> wrong.messages().create(greedy(2).build())).isInstanceOf(UnauthorizedException.class);
                assertThat(right.messages().create(greedy(2).build()).usage().outputTokens()).isEqualTo(2);
            } finally {
                wrong.close();
                right.close();
            }
        }
    }

    @Test
    void modelsAreListedInAnthropicsShapeToAnthropicClients() {
        ModelListPage page = anthropic.models().list();

        assertThat(page.data()).extracting(ModelInfo::id).containsExactly(StoriesNode.MODEL);
        ModelInfo model = page.data().getFirst().validate();
        assertThat(model.displayName()).isEqualTo(StoriesNode.MODEL);
        assertThat(page.hasMore()).contains(false);
        assertThat(page.firstId()).contains(StoriesNode.MODEL);
        assertThat(page.lastId()).contains(StoriesNode.MODEL);
        assertThat(anthropic.models().retrieve(StoriesNode.MODEL).validate().id()).isEqualTo(StoriesNode.MODEL);
        // OpenAI clients still get OpenAI's shape at the same path
        assertThat(Http.json(Http.get(node.baseUrl() + "/v1/models")).path("object").asText()).isEqualTo("list");
    }

    @Test
    void countTokensAndMessageStartReportThePromptTheMessageIsCharged() {
        long counted = anthropic.messages().countTokens(MessageCountTokensParams.builder().model(StoriesNode.MODEL)
                .system("A story.").addUserMessage(StoriesNode.PROMPT).build()).validate().inputTokens();
        Message message = anthropic.messages().create(greedy(2).system("A story.").build());
        assertThat(counted).isPositive()
                .isEqualTo(message.usage().inputTokens() + message.usage().cacheReadInputTokens().orElse(0L));

        long[] started = {-1};
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(greedy(2).system("A story.").build())) {
            stream.stream().forEach(event -> event.messageStart().ifPresent(start ->
                    started[0] = start.message().usage().inputTokens()));
        }
        assertThat(started[0]).as("message_start's input_tokens").isEqualTo(counted);
    }

    @Test
    void aTokenLimitInExponentFormIsAnIntegerAndAHugeOneMeansTheContext() {
        var response = Http.post(node.baseUrl() + "/v1/messages", "{\"model\":\"" + StoriesNode.MODEL + "\",\"max_tokens\":1e12,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + StoriesNode.PROMPT + "\"}],\"stop_sequences\":[\".\"]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Http.json(response).path("usage").path("output_tokens").asInt()).isPositive();

        var exact = Http.post(node.baseUrl() + "/v1/messages", "{\"model\":\"" + StoriesNode.MODEL + "\",\"max_tokens\":3e0,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + StoriesNode.PROMPT + "\"}]}");
        assertThat(Http.json(exact).path("usage").path("output_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void aRefusedSamplingValueNamesTheWireParameter() {
        assertThatThrownBy(() -> anthropic.messages().create(greedy(4)
                .putAdditionalBodyProperty("top_p", JsonValue.from(5.0)).build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("top_p")
                .hasMessageNotContaining("topP");
        assertThatThrownBy(() -> anthropic.messages().create(greedy(0).build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("max_tokens")
                .hasMessageNotContaining("maxTokens");
    }
}
