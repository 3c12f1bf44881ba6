package dev.hearth.local;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.TokenEvent;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** End to end on a real trained model: the public client, the GGUF engine, the tokenizer and the sampler. */
class Stories260KTest {
    private static InferenceClient client;

    @BeforeAll
    static void open() {
        client = InferenceClient.builder().runtime(Gguf.model(SharedModels.stories260K()).threads(2)).build();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void greedyGenerationFromBosReproducesTheReferenceTokenForTokenAndByteForByte() throws IOException {
        int[] expectedIds = Arrays.stream(Files.readString(SharedModels.file("gguf/stories260K.greedy200.ids")).trim().split(" "))
                .mapToInt(Integer::parseInt).toArray();
        byte[] expectedText = Files.readAllBytes(SharedModels.file("gguf/stories260K.greedy200.txt"));

        List<Integer> ids = new ArrayList<>();
        ChatResponse answer = client.chat().user("").options(GenerationOptions.builder().temperature(0).maxTokens(200).build())
                .stream(event -> {
                    if (event.tokenId() >= 0) {
                        ids.add(event.tokenId());
                    }
                });

        assertThat(expectedIds[0]).isEqualTo(1); // BOS, which the engine adds itself
        assertThat(ids).containsExactly(Arrays.stream(expectedIds, 1, expectedIds.length).boxed().toArray(Integer[]::new));
        assertThat(answer.text().getBytes(StandardCharsets.UTF_8)).isEqualTo(expectedText);
        assertThat(answer.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(answer.usage().promptTokens()).isEqualTo(1);
        assertThat(answer.usage().completionTokens()).isEqualTo(200);
        assertThat(answer.timings().decodeTokens()).isEqualTo(199);
        assertThat(answer.timings().decodeTokensPerSecond()).isPositive();
        assertThat(answer.route().runtime()).isEqualTo("local-gguf");
    }

    @Test
    void blockingAndStreamingGiveIdenticalText() {
        GenerationOptions options = GenerationOptions.builder().temperature(0.9).seed(1234).maxTokens(80).build();
        ChatResponse blocking = client.chat().user("Once upon a time, there was a little").options(options).call();
        StringBuilder streamed = new StringBuilder();
        ChatResponse streaming = client.chat().user("Once upon a time, there was a little").options(options)
                .stream(event -> streamed.append(event.text()));
        assertThat(streaming.text()).isEqualTo(blocking.text()).isEqualTo(streamed.toString()).isNotBlank();
        assertThat(streaming.usage()).isEqualTo(blocking.usage());
    }

    @Test
    void sameSeedGivesSameTextAndOtherSeedsDiffer() {
        GenerationOptions.Builder options = GenerationOptions.builder().temperature(1.0).topK(0).topP(1).minP(0).maxTokens(60);
        String first = client.chat().user("The cat sat on the mat and").options(options.seed(7).build()).call().text();
        String again = client.chat().user("The cat sat on the mat and").options(options.seed(7).build()).call().text();
        assertThat(again).isEqualTo(first);
        long distinct = java.util.stream.LongStream.range(100, 105)
                .mapToObj(seed -> client.chat().user("The cat sat on the mat and").options(options.seed(seed).build()).call().text())
                .distinct().count();
        assertThat(distinct).as("five seeds at temperature 1 give more than one text").isGreaterThan(1);
    }

    @Test
    void promptTokensMatchTheTokenizerAndPrefillIsMeasured() {
        ChatResponse answer = client.chat().user("Once upon a time, there was a little").temperature(0).maxTokens(5).call();
        // parity/README.md: these ten ids, BOS included
        assertThat(answer.usage().promptTokens()).isEqualTo(10);
        assertThat(answer.usage().completionTokens()).isEqualTo(5);
        assertThat(answer.timings().prefillTokens()).isEqualTo(10);
        assertThat(answer.timings().prefillTokensPerSecond()).isPositive();
        assertThat(answer.timings().timeToFirstToken()).isPositive().isLessThanOrEqualTo(answer.timings().total());
    }

    @Test
    void stopSequenceEndsTheAnswerWithoutItsText() {
        ChatResponse full = client.chat().user("").temperature(0).maxTokens(60).call();
        assertThat(full.text()).contains("Lily");
        ChatResponse stopped = client.chat().user("").temperature(0).maxTokens(60).stop("Lily").call();
        assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(stopped.text()).isEqualTo(full.text().substring(0, full.text().indexOf("Lily")));
    }

    @Test
    void cancellingASubmittedGenerationKeepsThePartialText() throws InterruptedException {
        java.util.concurrent.CountDownLatch fiveTokens = new java.util.concurrent.CountDownLatch(5);
        List<TokenEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        var generation = client.chat().user("").temperature(0).maxTokens(1000).submit(event -> {
            events.add(event);
            fiveTokens.countDown();
        });
        fiveTokens.await();
        generation.cancel();
        ChatResponse answer = generation.await();
        assertThat(answer.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(answer.usage().completionTokens()).isBetween(5, 999);
        assertThat(answer.text()).isEqualTo(String.join("", events.stream().map(TokenEvent::text).toList()));
    }
}
