package dev.hearth.local.internal.engine;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Message;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolCall;
import dev.hearth.api.ToolChoice;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.gguf.GgufMetadata;
import dev.hearth.local.internal.gguf.MetadataArray;
import dev.hearth.local.internal.gguf.MetadataType;
import dev.hearth.local.internal.gguf.GgufTensorInfo;
import dev.hearth.local.internal.gguf.GgufWriter;
import dev.hearth.local.internal.template.ToolCallStream;
import dev.hearth.local.internal.tokenizer.Tokenizer;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine with a chat template: stories260K copied (with {@link GgufWriter}) with real templates added as
 * {@code tokenizer.chat_template}. Checks the prompt the engine renders and tokenises, that tools reach the template,
 * and that a tool call in the generated token stream comes back as a {@link ToolCall} and never as text. The tiny
 * model cannot be made to write a call, so the call is a scripted token stream fed through the engine's own answer
 * pipeline.
 */
class ChatTemplateEngineTest {
    @TempDir
    static Path directory;
    private static LocalGgufRuntime qwen;
    private static final CancellationSignal NEVER = new CancellationSignal() {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void onCancel(Runnable action) {
        }
    };

    private static final Tool WEATHER = new Tool("get_weather", "Get the current weather for a location.",
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}");

    @BeforeAll
    static void openModelWithQwenTemplate() throws IOException {
        qwen = LocalGgufRuntime.open(withTemplate("Qwen-Qwen2.5-7B-Instruct.jinja"), 0, 1);
    }

    @AfterAll
    static void close() {
        qwen.close();
    }

    static Path withTemplate(String templateFile) throws IOException {
        Path copy = directory.resolve(templateFile + ".gguf");
        String template = Files.readString(SharedModels.file("chat-templates/" + templateFile));
        try (GgufFile source = GgufFile.open(SharedModels.stories260K())) {
            GgufWriter writer = new GgufWriter();
            source.metadata().entries().values().forEach(writer::put);
            writer.putString(PromptFormat.CHAT_TEMPLATE_KEY, template);
            for (GgufTensorInfo tensor : source.tensors()) {
                writer.addTensor(tensor.name(), tensor.type(), tensor.dims(), source.data(tensor));
            }
            writer.write(copy);
        }
        return copy;
    }

    @Test
    void promptIsTheTemplateRenderingWithSpecialTokensParsed() {
        ChatRequest request = ChatRequest.builder().system("Be brief.").user("Hi there").build();
        String prompt = qwen.renderPrompt(request);
        assertThat(prompt).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n"
                + "<|im_start|>assistant\n");

        ChatResponse response = qwen.generate(request.withOptions(GenerationOptions.builder().maxTokens(3).seed(1).build()),
                token -> { }, NEVER);
        int[] expected = qwen.tokenizer().encode(prompt, true, true);
        assertThat(response.usage().promptTokens()).isEqualTo(expected.length);
        assertThat(expected[0]).isEqualTo(qwen.tokenizer().bosId());
    }

    @Test
    void templateThatWritesBosGetsNoSecondBos() throws IOException {
        try (LocalGgufRuntime llama = LocalGgufRuntime.open(withTemplate("meta-llama-Llama-3.2-3B-Instruct.jinja"), 512, 1)) {
            ChatRequest request = ChatRequest.of(Message.user("Hi"));
            String prompt = llama.renderPrompt(request);
            assertThat(prompt).startsWith("<|start_header_id|>system<|end_header_id|>").doesNotContain("<s>");
            int[] ids = llama.tokenizer().encode(prompt, true, true);
            assertThat(ids[0]).isEqualTo(llama.tokenizer().bosId());
            assertThat(ids[1]).isNotEqualTo(llama.tokenizer().bosId());
        }
    }

    @Test
    void toolsAreRenderedThroughTheTemplate() {
        ChatRequest request = ChatRequest.builder().user("Weather in Paris?").tools(List.of(WEATHER)).build();
        assertThat(qwen.renderPrompt(request)).contains("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
                + "\"description\": \"Get the current weather for a location.\", \"parameters\": {\"type\": \"object\", "
                + "\"properties\": {\"location\": {\"type\": \"string\"}}, \"required\": [\"location\"]}}}\n</tools>");
        ChatResponse response = qwen.generate(request.withOptions(GenerationOptions.builder().maxTokens(4).seed(3).build()),
                token -> { }, NEVER);
        assertThat(response.finishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP, FinishReason.TOOL_CALLS);
    }

    @Test
    void strictToolsLeaveFreeTextUntouchedAndRefuseUnsupportedSchemas() {
        // the tiny model never opens a call, so a strict tool must not change a single token of its answer
        GenerationOptions options = GenerationOptions.builder().maxTokens(40).temperature(1.0).seed(5).build();
        ChatRequest loose = ChatRequest.builder().user("Weather in Paris?").tools(List.of(WEATHER)).options(options)
                .build();
        ChatRequest strict = ChatRequest.builder().user("Weather in Paris?").options(options).tools(List.of(
                Tool.strict(WEATHER.name(), WEATHER.description(), WEATHER.parametersJsonSchema()))).build();
        assertThat(qwen.generate(strict, token -> { }, NEVER).text())
                .isEqualTo(qwen.generate(loose, token -> { }, NEVER).text());

        ChatRequest unsupported = ChatRequest.builder().user("Weather in Paris?").options(options).tools(List.of(
                Tool.strict("get_weather", "", "{\"type\":\"object\",\"properties\":{\"days\":{\"type\":\"integer\","
                        + "\"minimum\":1}}}"))).build();
        assertThatThrownBy(() -> qwen.generate(unsupported, token -> { }, NEVER))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("minimum")
                .hasMessageContaining("get_weather");
    }

    private static final Tool TIME = Tool.strict("get_time", "The time in a city.",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"enum\":[\"Paris\",\"Oslo\"]},"
                    + "\"utc\":{\"type\":\"boolean\"}},\"required\":[\"city\",\"utc\"],\"additionalProperties\":false}");

    @Test
    void requiredToolChoiceMakesEveryAnswerOneValidCall() {
        // the tiny model never writes a call by itself: with tool choice required, every seed's answer is one
        for (long seed = 0; seed < 12; seed++) {
            GenerationOptions options = GenerationOptions.builder().maxTokens(200).temperature(1.0).seed(seed)
                    .toolChoice(ToolChoice.required()).build();
            ChatResponse response = qwen.generate(ChatRequest.builder().user("Weather in Paris?").options(options)
                    .tools(List.of(WEATHER, TIME)).build(), token -> { }, NEVER);
            assertThat(response.toolCallErrors()).as("seed %d: %s", seed, response.text()).isEmpty();
            assertThat(response.toolCalls()).as("seed %d", seed).hasSize(1);
            assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
            assertThat(response.text()).isBlank();
            ToolCall call = response.toolCalls().getFirst();
            assertThat(call.name()).isIn("get_weather", "get_time");
            if (call.name().equals("get_time")) {
                assertThat(call.argumentsJson()).containsPattern("\"city\"\\s*:\\s*\"(Paris|Oslo)\"")
                        .contains("\"utc\"");
            }
        }
    }

    @Test
    void namedToolChoiceCallsThatTool() {
        for (long seed = 0; seed < 6; seed++) {
            GenerationOptions options = GenerationOptions.builder().maxTokens(200).temperature(1.0).seed(seed)
                    .toolChoice(ToolChoice.named("get_time")).build();
            ChatResponse response = qwen.generate(ChatRequest.builder().user("Weather in Paris?").options(options)
                    .tools(List.of(WEATHER, TIME)).build(), token -> { }, NEVER);
            assertThat(response.toolCalls()).as("seed %d: %s", seed, response.toolCallErrors()).hasSize(1);
            assertThat(response.toolCalls().getFirst().name()).isEqualTo("get_time");
        }
    }

    @Test
    void noneToolChoiceAnswersAsIfNoToolWereOffered() {
        GenerationOptions options = GenerationOptions.builder().maxTokens(30).temperature(1.0).seed(9).build();
        ChatRequest without = ChatRequest.builder().user("Weather in Paris?").options(options).build();
        ChatRequest none = ChatRequest.builder().user("Weather in Paris?").tools(List.of(WEATHER))
                .options(options.toBuilder().toolChoice(ToolChoice.none()).build()).build();
        ChatRequest offered = ChatRequest.builder().user("Weather in Paris?").tools(List.of(WEATHER)).options(options)
                .build();
        ChatResponse answer = qwen.generate(none, token -> { }, NEVER);
        assertThat(answer.text()).isEqualTo(qwen.generate(without, token -> { }, NEVER).text());
        assertThat(answer.usage().promptTokens()).isLessThan(qwen.generate(offered, token -> { }, NEVER).usage().promptTokens());
    }

    @Test
    void forcedToolChoiceIsRefusedWithoutAToolCallFormat() throws IOException {
        try (LocalGgufRuntime plain = LocalGgufRuntime.open(SharedModels.stories260K(), 0, 1)) {
            ChatRequest request = ChatRequest.builder().user("Weather?").tools(List.of(WEATHER))
                    .options(GenerationOptions.builder().toolChoice(ToolChoice.required()).build()).build();
            assertThatThrownBy(() -> plain.generate(request, token -> { }, NEVER))
                    .isInstanceOf(InvalidRequestException.class);
        }
    }

    @Test
    void logitBiasOutsideTheVocabularyIsRefusedBeforePrefill() {
        int vocabulary = qwen.tokenizer().vocabularySize();
        ChatRequest request = ChatRequest.builder().user("Hi").options(GenerationOptions.builder()
                .logitBias(java.util.Map.of(vocabulary, 1f)).build()).build();
        assertThatThrownBy(() -> qwen.generate(request, token -> { }, NEVER))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining(Integer.toString(vocabulary));
    }

    @Test
    void toolHistoryIsRendered() {
        ChatRequest request = ChatRequest.builder()
                .user("Weather in Paris?")
                .message(Message.assistant("", List.of(new ToolCall("call00001", "get_weather", "{\"location\":\"Paris\"}"))))
                .toolResult("call00001", "18C and sunny")
                .tools(List.of(WEATHER))
                .build();
        assertThat(qwen.renderPrompt(request)).endsWith("<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", "
                + "\"arguments\": {\"location\": \"Paris\"}}\n</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n"
                + "18C and sunny\n</tool_response><|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void scriptedToolCallTokensBecomeAToolCallAndNeverText() {
        ChatRequest request = ChatRequest.builder().user("Weather in Paris?").tools(List.of(WEATHER)).build();
        PromptFormat format = PromptFormat.from(qwenMetadata(), qwen.tokenizer(), "test", Clock.systemUTC());
        Optional<ToolCallStream> calls = format.toolCallStream(request);
        assertThat(calls).isPresent();
        Tokenizer tokenizer = qwen.tokenizer();
        // startOfText: SentencePiece's dummy-prefix space before the first word is dropped, as after BOS
        AnswerText answer = new AnswerText(tokenizer, true, List.of(), calls, format.markerTokens());
        int[] ids = tokenizer.encode("Let me look.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Paris\"}}\n</tool_call>", false, false);
        assertThat(ids.length).isGreaterThan(20);
        List<String> released = new ArrayList<>();
        for (int id : ids) {
            released.add(answer.push(id));
        }
        released.add(answer.finish());
        assertThat(String.join("", released)).isEqualTo("Let me look.\n");
        assertThat(released).noneMatch(text -> text.contains("tool") || text.contains("{"));
        assertThat(answer.calledTools()).isTrue();
        assertThat(answer.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.argumentsJson()).isEqualTo("{\"location\":\"Paris\"}");
            assertThat(call.id()).matches("[A-Za-z0-9]{9}");
        });
        assertThat(answer.toolCallErrors()).isEmpty();
    }

    @Test
    void malformedScriptedCallIsReportedNotThrown() {
        ChatRequest request = ChatRequest.builder().user("Weather?").tools(List.of(WEATHER)).build();
        PromptFormat format = PromptFormat.from(qwenMetadata(), qwen.tokenizer(), "test", Clock.systemUTC());
        AnswerText answer = new AnswerText(qwen.tokenizer(), true, List.of(), format.toolCallStream(request), format.markerTokens());
        StringBuilder text = new StringBuilder();
        for (int id : qwen.tokenizer().encode("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": }\n</tool_call>", false, false)) {
            text.append(answer.push(id));
        }
        text.append(answer.finish());
        assertThat(text.toString()).isEmpty();
        assertThat(answer.toolCalls()).isEmpty();
        assertThat(answer.toolCallErrors()).singleElement().satisfies(error -> assertThat(error.rawText()).contains("\"location\": }"));
    }

    @Test
    void mistralMarkersThatAreControlTokensReachTheParserAsText() throws IOException {
        // stories260K with three pieces turned into Mistral's control tokens, as in a real Mistral vocabulary
        Path copy = directory.resolve("mistral-markers.gguf");
        String template = Files.readString(SharedModels.file("chat-templates/Mistral-Small-3.2-24B-Instruct-2506.jinja"));
        int[] markerIds = {509, 510, 511};
        String[] markerTexts = {"[TOOL_CALLS]", "[ARGS]", "[CALL_ID]"};
        try (GgufFile source = GgufFile.open(SharedModels.stories260K())) {
            GgufWriter writer = new GgufWriter();
            source.metadata().entries().values().forEach(writer::put);
            String[] tokens = source.metadata().getStringArray("tokenizer.ggml.tokens").clone();
            int[] types = source.metadata().optionalIntArray("tokenizer.ggml.token_type").orElseThrow().clone();
            for (int i = 0; i < markerIds.length; i++) {
                tokens[markerIds[i]] = markerTexts[i];
                types[markerIds[i]] = 3; // CONTROL
            }
            writer.put("tokenizer.ggml.tokens", MetadataType.ARRAY, new MetadataArray(MetadataType.STRING, tokens));
            writer.put("tokenizer.ggml.token_type", MetadataType.ARRAY, new MetadataArray(MetadataType.INT32, types));
            writer.putString(PromptFormat.CHAT_TEMPLATE_KEY, template);
            for (GgufTensorInfo tensor : source.tensors()) {
                writer.addTensor(tensor.name(), tensor.type(), tensor.dims(), source.data(tensor));
            }
            writer.write(copy);
        }
        try (LocalGgufRuntime mistral = LocalGgufRuntime.open(copy, 0, 1)) {
            Tokenizer tokenizer = mistral.tokenizer();
            assertThat(tokenizer.tokenBytes(markerIds[0])).isEmpty();
            ChatRequest request = ChatRequest.builder().user("Weather in Paris?").tools(List.of(WEATHER)).build();
            assertThat(mistral.renderPrompt(request)).contains("[AVAILABLE_TOOLS][{\"type\": \"function\"");

            GgufMetadata metadata;
            try (GgufFile file = GgufFile.open(copy)) {
                metadata = file.metadata();
            }
            PromptFormat format = PromptFormat.from(metadata, tokenizer, "mistral", Clock.systemUTC());
            assertThat(format.markerTokens()).containsExactlyInAnyOrder(markerIds[0], markerIds[1], markerIds[2]);
            AnswerText answer = new AnswerText(tokenizer, true, List.of(), format.toolCallStream(request), format.markerTokens());
            StringBuilder text = new StringBuilder();
            text.append(answer.push(markerIds[0]));
            for (int id : tokenizer.encode("get_weather", false, false)) {
                text.append(answer.push(id));
            }
            text.append(answer.push(markerIds[1]));
            for (int id : tokenizer.encode("{\"location\": \"Paris\"}", false, false)) {
                text.append(answer.push(id));
            }
            text.append(answer.finish());
            assertThat(text.toString()).isEmpty();
            assertThat(answer.toolCallErrors()).isEmpty();
            assertThat(answer.toolCalls()).singleElement().satisfies(call -> {
                assertThat(call.name()).isEqualTo("get_weather");
                assertThat(call.argumentsJson()).isEqualTo("{\"location\":\"Paris\"}");
            });
        }
    }

    @Test
    void templateWithoutAToolFormatRefusesTools() throws IOException {
        try (LocalGgufRuntime phi = LocalGgufRuntime.open(withTemplate("microsoft-Phi-3.5-mini-instruct.jinja"), 512, 1)) {
            ChatRequest request = ChatRequest.builder().user("x").tools(List.of(WEATHER)).build();
            assertThatThrownBy(() -> phi.generate(request, token -> { }, NEVER))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("no tool-call format");
        }
    }

    @Test
    void templateRejectionIsAnInvalidRequest() throws IOException {
        try (LocalGgufRuntime gemma = LocalGgufRuntime.open(withTemplate("google-gemma-2-2b-it.jinja"), 512, 1)) {
            ChatRequest request = ChatRequest.builder().assistant("I speak first").user("x").build();
            List<TokenEvent> events = new ArrayList<>();
            assertThatThrownBy(() -> gemma.generate(request, events::add, NEVER))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("Conversation roles must alternate");
            assertThat(events).isEmpty();
        }
    }

    private static GgufMetadata qwenMetadata() {
        try (GgufFile file = GgufFile.open(directory.resolve("Qwen-Qwen2.5-7B-Instruct.jinja.gguf"))) {
            return file.metadata();
        }
    }
}
