package dev.hearth.remote.server;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.JsonOutputFormat;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.OutputConfig;
import com.anthropic.models.messages.StructuredMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.StructuredChatCompletion;
import com.openai.models.chat.completions.StructuredChatCompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Structured output through the node server on the real stories260K model: OpenAI's {@code response_format} from the
 * official openai-java SDK and Anthropic's {@code output_config.format} from anthropic-java (each with a hand-written
 * schema, and one the SDK derives from a Java record), and Ollama's
 * {@code format} over plain HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StructuredOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private StoriesNode node;
    private OpenAIClient openai;
    private AnthropicClient anthropic;

    /** What the SDK turns into a strict JSON schema. */
    public record Pet(String name, int legs, boolean friendly, Mood mood) {
    }

    public enum Mood { HAPPY, SLEEPY }

    @BeforeAll
    void start() {
        node = StoriesNode.start();
        openai = OpenAIOkHttpClient.builder().baseUrl(node.baseUrl() + "/v1").apiKey("x").maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(node.baseUrl()).apiKey("x").maxRetries(0).build();
    }

    @AfterAll
    void stop() {
        openai.close();
        anthropic.close();
        node.close();
    }

    @Test
    void openAiSdkJsonSchemaResponseFormat() throws Exception {
        ResponseFormatJsonSchema.JsonSchema.Schema schema = ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of(
                        "hero", Map.of("type", "string"),
                        "mood", Map.of("enum", List.of("happy", "sad")))))
                .putAdditionalProperty("required", JsonValue.from(List.of("hero", "mood")))
                .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                .build();
        for (long seed = 1; seed <= 3; seed++) {
            ChatCompletion completion = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(StoriesNode.MODEL).addUserMessage(StoriesNode.PROMPT).temperature(1.0).seed(seed)
                    .maxCompletionTokens(400)
                    .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema
                            .builder().name("story").schema(schema).strict(true).build()).build())
                    .build());
            String content = completion.choices().getFirst().message().content().orElseThrow();
            JsonNode answer = JSON.readTree(content);
            assertThat(answer.path("hero").isTextual()).as(content).isTrue();
            assertThat(answer.path("mood").asText()).isIn("happy", "sad");
            assertThat(answer.size()).isEqualTo(2);
        }
    }

    @Test
    void openAiSdkSchemaDerivedFromARecord() {
        StructuredChatCompletionCreateParams<Pet> params = ChatCompletionCreateParams.builder()
                .model(StoriesNode.MODEL).addUserMessage(StoriesNode.PROMPT).temperature(1.0).seed(4)
                .maxCompletionTokens(400)
                .responseFormat(Pet.class)
                .build();
        StructuredChatCompletion<Pet> completion = openai.chat().completions().create(params);
        Pet pet = completion.choices().getFirst().message().content().orElseThrow();
        assertThat(pet.name()).isNotNull();
        assertThat(pet.mood()).isNotNull();
    }

    @Test
    void anthropicSdkOutputConfigJsonSchema() throws Exception {
        JsonOutputFormat.Schema schema = JsonOutputFormat.Schema.builder()
                .putAdditionalProperty("type", com.anthropic.core.JsonValue.from("object"))
                .putAdditionalProperty("properties", com.anthropic.core.JsonValue.from(Map.of(
                        "hero", Map.of("type", "string", "maxLength", 20),
                        "brave", Map.of("type", "boolean"))))
                .putAdditionalProperty("required", com.anthropic.core.JsonValue.from(List.of("hero", "brave")))
                .putAdditionalProperty("additionalProperties", com.anthropic.core.JsonValue.from(false))
                .build();
        for (int attempt = 1; attempt <= 3; attempt++) {
            Message message = anthropic.messages().create(MessageCreateParams.builder().model(StoriesNode.MODEL)
                    .maxTokens(300).addUserMessage(StoriesNode.PROMPT + " (" + attempt + ")")
                    .outputConfig(OutputConfig.builder().format(JsonOutputFormat.builder().schema(schema).build()).build())
                    .build());
            String text = message.content().getFirst().text().orElseThrow().text();
            JsonNode answer = JSON.readTree(text);
            assertThat(answer.path("hero").isTextual()).as(text).isTrue();
            assertThat(answer.path("brave").isBoolean()).as(text).isTrue();
            assertThat(answer.size()).isEqualTo(2);
        }
    }

    @Test
    void anthropicSdkSchemaDerivedFromARecord() {
        StructuredMessage<Pet> message = anthropic.messages().create(MessageCreateParams.builder().model(StoriesNode.MODEL)
                .maxTokens(400).addUserMessage(StoriesNode.PROMPT).outputConfig(Pet.class).build());
        Pet pet = message.content().getFirst().text().orElseThrow().text();
        assertThat(pet.name()).isNotNull();
        assertThat(pet.mood()).isNotNull();
    }

    @Test
    void anthropicOutputConfigEffortIsRefusedByName() {
        HttpResponse<String> response = Http.post(node.baseUrl() + "/v1/messages", "{\"model\":\"stories260K\","
                + "\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"output_config\":{\"effort\":\"high\"}}", "anthropic-version", "2023-06-01");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("output_config.effort");
    }

    @Test
    void ollamaFormatJsonAndSchema() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"count\":{\"type\":\"integer\"}},\"required\":[\"count\"]}";
        HttpResponse<String> response = Http.post(node.baseUrl() + "/api/chat", "{\"model\":\"stories260K\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}],\"stream\":false,"
                + "\"format\":" + schema + ",\"options\":{\"temperature\":0,\"num_predict\":200}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(Http.json(response).path("message").path("content").asText());
        assertThat(answer.path("count").isIntegralNumber()).as(answer.toString()).isTrue();

        HttpResponse<String> refused = Http.post(node.baseUrl() + "/api/chat", "{\"model\":\"stories260K\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":false,"
                + "\"format\":{\"type\":\"string\",\"pattern\":\"a+\"}}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("pattern");
    }

    @Test
    void responsesApiTextFormat() throws Exception {
        HttpResponse<String> response = Http.post(node.baseUrl() + "/v1/responses", "{\"model\":\"stories260K\","
                + "\"input\":\"Once upon a time\",\"temperature\":0,\"max_output_tokens\":200,"
                + "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"flag\",\"strict\":true,"
                + "\"schema\":{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},"
                + "\"required\":[\"ok\"],\"additionalProperties\":false}}}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = Http.json(response);
        String text = body.path("output").get(0).path("content").get(0).path("text").asText();
        assertThat(JSON.readTree(text).path("ok").isBoolean()).as(text).isTrue();
        assertThat(body.path("text").path("format").path("type").asText()).isEqualTo("json_schema");
    }

    @Test
    void unsupportedResponseFormatIsA400NamingIt() {
        HttpResponse<String> response = Http.post(node.baseUrl() + "/v1/chat/completions", "{\"model\":\"stories260K\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":"
                + "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"a+\"}}}}}}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("pattern").contains("/properties/a");
    }
}
