package dev.hearth.remote.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import com.openai.models.responses.ResponseStreamEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official OpenAI Java SDK, pointed at a node serving the real stories260K model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiSdkTest {
    private StoriesNode node;
    private OpenAIClient openai;

    @BeforeAll
    void start() {
        node = StoriesNode.start();
        openai = OpenAIOkHttpClient.builder().baseUrl(node.baseUrl() + "/v1").apiKey("not-needed").maxRetries(0).build();
    }

    @AfterAll
    void stop() {
        openai.close();
        node.close();
    }

    private ChatCompletionCreateParams.Builder greedyChat(int maxTokens) {
        return ChatCompletionCreateParams.builder()
                .model(StoriesNode.MODEL)
                .addUserMessage(StoriesNode.PROMPT)
                .maxCompletionTokens(maxTokens)
                .temperature(0.0);
    }

    @Test
    void blockingChatCompletionReturnsTheModelsTextUsageAndLengthFinish() {
        ChatCompletion completion = openai.chat().completions().create(greedyChat(12).build());

        assertThat(completion.model()).isEqualTo(StoriesNode.MODEL);
        assertThat(completion.id()).startsWith("chatcmpl-");
        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertThat(choice.message().content()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING).isNotBlank();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(completion.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.completionTokens()).isEqualTo(12);
            assertThat(usage.promptTokens()).isPositive();
            assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + 12);
            assertThat(usage.promptTokensDetails()).hasValueSatisfying(details ->
                    assertThat(details.cachedTokens()).contains(0L));
        });
    }

    @Test
    void streamedChatCompletionEqualsTheBlockingOneAndEndsWithUsage() {
        String blocking = openai.chat().completions().create(greedyChat(16).build())
                .choices().getFirst().message().content().orElseThrow();

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(greedyChat(16)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunks::add);
        }

        String streamed = chunks.stream().flatMap(chunk -> chunk.choices().stream())
                .map(choice -> choice.delta().content().orElse("")).collect(Collectors.joining());
        assertThat(streamed).isEqualTo(blocking);
        assertThat(chunks.size()).as("one chunk per token, not one for the whole answer").isGreaterThan(4);
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
        assertThat(chunks.stream().flatMap(chunk -> chunk.choices().stream())
                .flatMap(choice -> choice.finishReason().stream()).toList())
                .containsExactly(ChatCompletionChunk.Choice.FinishReason.LENGTH);
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).hasValueSatisfying(usage -> assertThat(usage.completionTokens()).isEqualTo(16));
    }

    @Test
    void stopSequenceEndsTheAnswerBeforeIt() {
        String full = openai.chat().completions().create(greedyChat(24).build())
                .choices().getFirst().message().content().orElseThrow();
        String stop = full.substring(full.length() / 2, full.length() / 2 + 3);

        ChatCompletion stopped = openai.chat().completions().create(greedyChat(24).stop(stop).build());

        String text = stopped.choices().getFirst().message().content().orElseThrow();
        assertThat(full).startsWith(text);
        assertThat(text).doesNotContain(stop);
        assertThat(stopped.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    @Test
    void legacyCompletionContinuesThePrompt() {
        Completion completion = openai.completions().create(CompletionCreateParams.builder()
                .model(StoriesNode.MODEL).prompt(StoriesNode.PROMPT).maxTokens(10).temperature(0.0).build());

        assertThat(completion.choices().getFirst().text()).isNotBlank();
        assertThat(completion.usage()).hasValueSatisfying(usage -> assertThat(usage.completionTokens()).isEqualTo(10));

        try (StreamResponse<Completion> stream = openai.completions().createStreaming(CompletionCreateParams.builder()
                .model(StoriesNode.MODEL).prompt(StoriesNode.PROMPT).maxTokens(10).temperature(0.0).build())) {
            String streamed = stream.stream().flatMap(chunk -> chunk.choices().stream()).map(choice -> choice.text())
                    .collect(Collectors.joining());
            assertThat(streamed).isEqualTo(completion.choices().getFirst().text());
        }
    }

    @Test
    void responsesApiAnswersBlockingAndStreamedAlike() {
        ResponseCreateParams params = ResponseCreateParams.builder()
                .model(StoriesNode.MODEL).input(StoriesNode.PROMPT).maxOutputTokens(14).temperature(0.0).build();

        Response response = openai.responses().create(params).validate();
        assertThat(response.output().getFirst().asMessage().status())
                .as("the message cut by max_output_tokens is as incomplete as its response")
                .isEqualTo(ResponseOutputMessage.Status.INCOMPLETE);
        String blocking = outputText(response);
        assertThat(blocking).isNotBlank();
        assertThat(response.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.outputTokens()).isEqualTo(14);
            assertThat(usage.inputTokensDetails().cachedTokens()).isZero();
        });
        assertThat(response.incompleteDetails()).hasValueSatisfying(details ->
                assertThat(details.reason()).hasValue(Response.IncompleteDetails.Reason.MAX_OUTPUT_TOKENS));

        StringBuilder deltas = new StringBuilder();
        List<String> types = new ArrayList<>();
        Response[] finished = new Response[1];
        try (StreamResponse<ResponseStreamEvent> stream = openai.responses().createStreaming(params)) {
            stream.stream().forEach(event -> {
                event.outputTextDelta().ifPresent(delta -> deltas.append(delta.delta()));
                event.incomplete().ifPresent(incomplete -> finished[0] = incomplete.response());
                types.add(eventType(event));
            });
        }
        assertThat(deltas.toString()).isEqualTo(blocking);
        assertThat(outputText(finished[0].validate())).isEqualTo(blocking);
        assertThat(finished[0].output().getFirst().asMessage().status())
                .isEqualTo(ResponseOutputMessage.Status.INCOMPLETE);
        assertThat(types.getFirst()).isEqualTo("response.created");
        assertThat(types).contains("response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done");
        assertThat(types.getLast()).isEqualTo("response.incomplete");
    }

    private static String eventType(ResponseStreamEvent event) {
        if (event.isCreated()) return "response.created";
        if (event.isInProgress()) return "response.in_progress";
        if (event.isOutputItemAdded()) return "response.output_item.added";
        if (event.isContentPartAdded()) return "response.content_part.added";
        if (event.isOutputTextDelta()) return "response.output_text.delta";
        if (event.isOutputTextDone()) return "response.output_text.done";
        if (event.isContentPartDone()) return "response.content_part.done";
        if (event.isOutputItemDone()) return "response.output_item.done";
        if (event.isCompleted()) return "response.completed";
        if (event.isIncomplete()) return "response.incomplete";
        throw new AssertionError("unexpected event " + event);
    }

    private static String outputText(Response response) {
        return response.output().stream().flatMap(item -> item.message().stream())
                .flatMap(message -> message.content().stream())
                .flatMap(content -> content.outputText().stream())
                .map(text -> text.text()).collect(Collectors.joining());
    }

    @Test
    void modelsListTheServedModel() {
        List<Model> models = openai.models().list().data();
        assertThat(models).extracting(Model::id).containsExactly(StoriesNode.MODEL);
        assertThat(openai.models().retrieve(StoriesNode.MODEL).id()).isEqualTo(StoriesNode.MODEL);
    }

    @Test
    void unknownModelIsTheSdksNotFoundException() {
        assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o").addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("gpt-4o").hasMessageContaining(StoriesNode.MODEL);
    }

    @Test
    void invalidOptionIsTheSdksBadRequestException() {
        assertThatThrownBy(() -> openai.chat().completions().create(greedyChat(4).topP(1.5).build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("top_p");
    }

    @Test
    void embeddingsAnswerThatTheModelDoesNotSupportThem() {
        assertThatThrownBy(() -> openai.embeddings().create(com.openai.models.embeddings.EmbeddingCreateParams.builder()
                .model(StoriesNode.MODEL).input("hello").build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("does not support embeddings");
    }

    @Test
    void aNodeWithATokenRefusesTheWrongKeyAndAcceptsTheRightOne() {
        try (StoriesNode guarded = StoriesNode.start(builder -> builder.bearerToken("s3cret-token"))) {
            OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(guarded.baseUrl() + "/v1").apiKey("wrong").maxRetries(0).build();
            OpenAIClient right = OpenAIOkHttpClient.builder().baseUrl(guarded.baseUrl() + "/v1").apiKey("s3cret-token").maxRetries(0).build();
            try {
                assertThatThrownBy(() -> wrong.models().list()).isInstanceOf(UnauthorizedException.class);
                assertThat(right.chat().completions().create(ChatCompletionCreateParams.builder().model(StoriesNode.MODEL)
                        .addUserMessage(StoriesNode.PROMPT).maxCompletionTokens(3).build()).choices()).hasSize(1);
            } finally {
                wrong.close();
                right.close();
            }
        }
    }

    @Test
    void aRefusedSamplingValueNamesTheWireParameterAsParam() {
        assertThatThrownBy(() -> openai.chat().completions().create(greedyChat(4).topP(5.0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, refused -> {
                    assertThat(refused.param()).contains("top_p");
                    assertThat(refused.getMessage()).contains("top_p").doesNotContain("topP");
                });
        assertThatThrownBy(() -> openai.chat().completions().create(greedyChat(0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, refused ->
                        assertThat(refused.param()).contains("max_completion_tokens"));
    }
}
