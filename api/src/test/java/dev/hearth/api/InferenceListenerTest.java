package dev.hearth.api;

import dev.hearth.api.spi.RuntimeInfo;
import dev.hearth.api.testing.ScriptedRuntime;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InferenceListenerTest {

    /** Records callbacks as strings. */
    private static final class Recorder implements InferenceListener {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile ChatResponse completed;
        volatile HearthException failed;

        @Override
        public void requestStarted(ChatRequest request, RuntimeInfo runtime) {
            calls.add("started " + runtime.name() + " " + request.messages().size());
        }

        @Override
        public void requestCompleted(ChatRequest request, ChatResponse response) {
            completed = response;
            calls.add("completed");
        }

        @Override
        public void requestFailed(ChatRequest request, HearthException error) {
            failed = error;
            calls.add("failed");
        }
    }

    private static final class Throwing implements InferenceListener {
        @Override
        public void requestStarted(ChatRequest request, RuntimeInfo runtime) {
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void requestCompleted(ChatRequest request, ChatResponse response) {
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void requestFailed(ChatRequest request, HearthException error) {
            throw new IllegalStateException("listener bug");
        }
    }

    @Test
    void listenerSeesStartThenCompletionWithTheRoutedAnswer() {
        Recorder recorder = new Recorder();
        try (InferenceClient client = InferenceClient.builder().runtime(ScriptedRuntime.builder().name("r1").build())
                .listener(recorder).build()) {
            ChatResponse response = client.chat().system("s").user("u").call();

            assertThat(recorder.calls).containsExactly("started r1 2", "completed");
            assertThat(recorder.completed).isEqualTo(response);
            assertThat(recorder.completed.route().reason()).isEqualTo("the only configured runtime");
        }
    }

    @Test
    void listenerSeesStartThenTheTypedFailure() {
        Recorder recorder = new Recorder();
        try (InferenceClient client = InferenceClient.builder().listener(recorder)
                .runtime(ScriptedRuntime.builder().name("r1").failAt(0, () -> new ArithmeticException("/ by zero")).build())
                .build()) {
            assertThatThrownBy(() -> client.chat().user("u").call()).isInstanceOf(RuntimeFailureException.class);

            assertThat(recorder.calls).containsExactly("started r1 1", "failed");
            assertThat(recorder.failed).isInstanceOf(RuntimeFailureException.class).hasCauseInstanceOf(ArithmeticException.class);
        }
    }

    @Test
    void throwingListenerIsIgnoredAndTheOthersStillRun() {
        Recorder recorder = new Recorder();
        try (InferenceClient client = InferenceClient.builder().runtime(ScriptedRuntime.builder().build())
                .listener(new Throwing()).listener(recorder).build()) {
            ChatResponse response = client.chat().user("u").call();

            assertThat(response.text()).isEqualTo("Hello, world!");
            assertThat(recorder.calls).containsExactly("started scripted 1", "completed");
        }
    }

    @Test
    void throwingListenerDoesNotReplaceTheRuntimeFailure() {
        try (InferenceClient client = InferenceClient.builder().listener(new Throwing())
                .runtime(ScriptedRuntime.builder().failAt(0, () -> new ModelLoadException("weights vanished")).build())
                .build()) {
            assertThatThrownBy(() -> client.chat().user("u").call())
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessage("weights vanished");
        }
    }
}
