package dev.hearth.langchain4j;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.InferenceListener;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.local.Gguf;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.tool.ToolExecution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LangChain4j's own AI-service flow (memory, tools, structured output, streaming) over a real local model:
 * stories260K, a 260K-parameter model that writes children's stories, served by Hearth's GGUF engine with the ChatML
 * template. It was never trained for tools or JSON, so these tests rest on Hearth's constrained decoding.
 */
class AiServicesOnLocalModelTest {
    private static final BlockingQueue<ChatResponse> COMPLETED = new LinkedBlockingQueue<>();
    private static InferenceClient client;

    @BeforeAll
    static void openModel() {
        client = InferenceClient.builder()
                .runtime(Gguf.model(stories260K()).chatTemplate("chatml").threads(1)
                        .prefixCache(PrefixCache.inMemory(32L << 20).blockSize(16)))
                .listener(new InferenceListener() {
                    @Override
                    public void requestCompleted(dev.hearth.api.ChatRequest request, ChatResponse response) {
                        COMPLETED.add(response);
                    }
                })
                .build();
    }

    @AfterAll
    static void closeModel() {
        client.close();
    }

    static Path stories260K() {
        Path path = Path.of(System.getProperty("hearth.shared.models", "../../shared/models"), "gguf", "stories260K.gguf");
        if (!Files.isRegularFile(path)) {
            throw new AssertionError("Test model not found at " + path.toAbsolutePath()
                    + ": lay shared/ beside the checkout (as CI does) or set -Dhearth.shared.models");
        }
        return path;
    }

    interface Storyteller {
        Result<String> chat(String message);
    }

    @Test
    void chatMemoryCarriesEarlierTurnsToTheModelAndTheirPrefixIsServedFromCache() {
        List<List<ChatMessage>> sent = new CopyOnWriteArrayList<>();
        ChatModelListener recorder = new ChatModelListener() {
            @Override
            public void onRequest(ChatModelRequestContext context) {
                sent.add(context.chatRequest().messages());
            }
        };
        HearthChatModel model = HearthChatModel.builder().client(client).maxOutputTokens(24).listeners(List.of(recorder))
                .generationOptions(GenerationOptions.builder().seed(3).build()).build();
        Storyteller storyteller = AiServices.builder(Storyteller.class).chatModel(model)
                .chatMemory(MessageWindowChatMemory.withMaxMessages(10)).build();

        Result<String> first = storyteller.chat("Once upon a time there was a little girl named Lily.");
        Result<String> second = storyteller.chat("One day she went to the park with her mom.");
        Result<String> third = storyteller.chat("They saw a big red ball.");

        assertThat(sent).hasSize(3);
        assertThat(sent.get(1)).hasSize(3); // turn 1's question and answer, then turn 2's question
        assertThat(((UserMessage) sent.get(1).getFirst()).singleText()).startsWith("Once upon a time");
        assertThat(sent.get(2)).hasSize(5);
        assertThat(first.content()).isNotNull();
        HearthTokenUsage secondUsage = (HearthTokenUsage) second.finalResponse().tokenUsage();
        HearthTokenUsage thirdUsage = (HearthTokenUsage) third.finalResponse().tokenUsage();
        assertThat(secondUsage.inputTokenCount()).isGreaterThan(first.finalResponse().tokenUsage().inputTokenCount());
        assertThat(secondUsage.cachedInputTokenCount()).as("turn 2 reuses turn 1's prompt").isPositive();
        assertThat(thirdUsage.cachedInputTokenCount()).isGreaterThan(secondUsage.cachedInputTokenCount());
    }

    enum Room { KITCHEN, BEDROOM, GARDEN }

    static final class Lights {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Tool(value = "Switches the light of a room on or off", returnBehavior = ReturnBehavior.IMMEDIATE)
        String switchLight(Room room, boolean on) {
            calls.add(room + " " + on);
            return room + " light is " + (on ? "on" : "off");
        }
    }

    interface HomeAssistant {
        Result<String> ask(String request);
    }

    @Test
    void aForcedToolCallRunsTheToolWithArgumentsThatParse() {
        HearthChatModel model = HearthChatModel.builder().client(client).toolChoice(ToolChoice.REQUIRED)
                .strictTools(true).maxOutputTokens(256)
                .generationOptions(GenerationOptions.builder().seed(11).build()).build();
        Lights lights = new Lights();
        HomeAssistant assistant = AiServices.builder(HomeAssistant.class).chatModel(model).tools(lights).build();

        Result<String> result = assistant.ask("Please turn on the light in the kitchen.");

        assertThat(lights.calls).hasSize(1);
        assertThat(lights.calls.getFirst()).matches("(KITCHEN|BEDROOM|GARDEN) (true|false)");
        assertThat(result.toolExecutions()).hasSize(1);
        ToolExecution execution = result.toolExecutions().getFirst();
        assertThat(execution.request().name()).isEqualTo("switchLight");
        assertThat(execution.result()).endsWith(lights.calls.getFirst().endsWith("true") ? "on" : "off");
    }

    enum Sky { SUNNY, RAINY, CLOUDY }

    record Weather(Sky sky, boolean windy) {
    }

    interface Forecaster {
        Weather forecast(String text);
    }

    @Test
    void anAiServiceReturnsARecordThroughAJsonSchemaResponseFormat() {
        HearthChatModel model = HearthChatModel.builder().client(client).maxOutputTokens(128).strictJsonSchema(true)
                .generationOptions(GenerationOptions.builder().seed(5).build()).build();
        Forecaster forecaster = AiServices.create(Forecaster.class, model);

        Weather weather = forecaster.forecast("The sun was shining and the wind was blowing.");

        assertThat(weather).isNotNull();
        assertThat(weather.sky()).isNotNull();
    }

    interface StreamingStoryteller {
        TokenStream tell(String message);
    }

    @Test
    void aTokenStreamDeliversEveryTokenThenTheWholeAnswer() throws Exception {
        HearthStreamingChatModel model = HearthStreamingChatModel.builder().client(client).maxOutputTokens(32)
                .generationOptions(GenerationOptions.builder().seed(9).build()).build();
        StreamingStoryteller storyteller = AiServices.create(StreamingStoryteller.class, model);
        StringBuilder streamed = new StringBuilder();
        CompletableFuture<dev.langchain4j.model.chat.response.ChatResponse> done = new CompletableFuture<>();

        storyteller.tell("Tim had a toy car.").onPartialResponse(streamed::append)
                .onCompleteResponse(done::complete).onError(done::completeExceptionally).start();
        dev.langchain4j.model.chat.response.ChatResponse response = done.get(60, TimeUnit.SECONDS);

        assertThat(streamed.toString()).isNotEmpty().isEqualTo(response.aiMessage().text());
        assertThat(response.tokenUsage().outputTokenCount()).isPositive();
    }

    @Test
    void cancellingThroughTheStreamingHandleStopsTheModel() throws Exception {
        HearthStreamingChatModel model = HearthStreamingChatModel.builder().client(client).maxOutputTokens(400)
                .generationOptions(GenerationOptions.builder().seed(9).build()).build();
        StreamingStoryteller storyteller = AiServices.create(StreamingStoryteller.class, model);
        List<String> partials = new CopyOnWriteArrayList<>();
        CompletableFuture<Object> ended = new CompletableFuture<>();
        COMPLETED.clear();

        storyteller.tell("Sue went to the shop.")
                .onPartialResponseWithContext((partial, context) -> {
                    partials.add(partial.text());
                    if (partials.size() == 3) {
                        cancel(context);
                    }
                })
                .onCompleteResponse(ended::complete).onError(ended::complete).start();
        ChatResponse hearth = COMPLETED.poll(60, TimeUnit.SECONDS);

        assertThat(hearth).isNotNull();
        assertThat(hearth.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(hearth.usage().completionTokens()).isLessThan(400);
        assertThat(partials).hasSize(3); // nothing after the cancel
        assertThat(ended).isNotDone();
    }

    private static void cancel(PartialResponseContext context) {
        context.streamingHandle().cancel();
        assertThat(context.streamingHandle().isCancelled()).isTrue();
    }
}
