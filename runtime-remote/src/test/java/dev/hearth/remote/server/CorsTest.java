package dev.hearth.remote.server;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.testing.ScriptedRuntime;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Browser access: off by default; for a configured origin, preflights are answered and answers are readable. */
class CorsTest {
    private static final String PAGE = "http://localhost:5173";

    private static HttpResponse<String> preflight(ScriptedNode node, String origin) {
        return Http.send(HttpRequest.newBuilder(URI.create(node.url("/v1/chat/completions")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .build());
    }

    @Test
    void browsersGetNoAccessByDefault() {
        try (ScriptedNode node = new ScriptedNode(ScriptedRuntime.builder().build(), builder -> builder)) {
            assertThat(preflight(node, PAGE).headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(Http.get(node.url("/v1/models"), "Origin", PAGE).headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    @Test
    void aConfiguredOriginIsAnsweredItsPreflightWithoutTheTokenAndMayReadAnswers() {
        try (ScriptedNode node = new ScriptedNode(ScriptedRuntime.builder().build(),
                builder -> builder.corsOrigin(PAGE).bearerToken("t0ken"))) {
            HttpResponse<String> preflight = preflight(node, PAGE);
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains(PAGE);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(m -> assertThat(m).contains("POST"));
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).contains("authorization, content-type");

            HttpResponse<String> answer = Http.post(node.url("/v1/chat/completions"), "{\"model\":\"scripted-model\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "Origin", PAGE, "Authorization", "Bearer t0ken");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).contains(PAGE);
            // the token is still required on the request itself, and its refusal is readable by the page
            HttpResponse<String> refused = Http.get(node.url("/v1/models"), "Origin", PAGE);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).contains(PAGE);

            String other = "http://evil.example";
            assertThat(preflight(node, other).headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(Http.get(node.url("/v1/models"), "Origin", other, "Authorization", "Bearer t0ken")
                    .headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    @Test
    void anOriginMustBeSchemeHostAndPort() {
        assertThatThrownBy(() -> NodeServer.builder().corsOrigin("localhost:5173/app"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("corsOrigin");
    }
}
