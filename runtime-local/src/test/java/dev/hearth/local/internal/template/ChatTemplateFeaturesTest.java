package dev.hearth.local.internal.template;

import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Message;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolCall;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Jinja2/Hugging Face features real chat templates rely on, one by one. */
class ChatTemplateFeaturesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-07T09:05:00Z"), ZoneOffset.UTC);
    // no system message: these small templates do not print one, so the system-role probe would fold it away
    private static final List<Message> CONVERSATION = List.of(Message.user("  Be brief.  "), Message.assistant("Hello World"),
            Message.user("Bye"));

    private static String render(String template) {
        return render(template, CONVERSATION, List.of());
    }

    private static String render(String template, List<Message> messages, List<Tool> tools) {
        return new ChatTemplate(template, "<s>", "</s>", CLOCK).render(messages, tools, true);
    }

    @Test
    void raiseExceptionBecomesAnInvalidRequestWithTheTemplatesMessage() {
        assertThatThrownBy(() -> render("{% if messages|length > 1 %}{{ raise_exception('Only one message, please') }}{% endif %}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Only one message, please");
    }

    @Test
    void brokenTemplateIsAnUnsupportedModelNamingTheKey() {
        assertThatThrownBy(() -> render("{% for m in messages %}{{ no_such_function(m.content) }}{% endfor %}"))
                .isInstanceOf(dev.hearth.api.UnsupportedModelException.class)
                .hasMessageContaining("tokenizer.chat_template");
    }

    @Test
    void strftimeNowAndDateStringUseTheClock() {
        assertThat(render("{{ strftime_now('%d %B %Y %H:%M') }}|{{ strftime_now('%Y-%m-%d') }}|{{ date_string }}"))
                .isEqualTo("07 March 2026 09:05|2026-03-07|07 Mar 2026");
    }

    @Test
    void tojsonWritesPythonJsonDumps() {
        Tool tool = new Tool("f", "Caf\u00e9 \"quoted\"\nline", "{\"type\":\"object\",\"properties\":{},\"required\":[],\"n\":1.5,\"i\":2,\"b\":true,\"z\":null}");
        assertThat(render("{{ tools[0].function|tojson }}", CONVERSATION, List.of(tool))).isEqualTo(
                "{\"name\": \"f\", \"description\": \"Caf\u00e9 \\\"quoted\\\"\\nline\", \"parameters\": {\"type\": \"object\", "
                        + "\"properties\": {}, \"required\": [], \"n\": 1.5, \"i\": 2, \"b\": true, \"z\": null}}");
        assertThat(render("{{ {'k': 'café 😀'}|tojson(ensure_ascii=True) }}|{{ 'café'|tojson(ensure_ascii=False) }}"
                + "|{{ {'b': 1, 'a': 2}|tojson(sort_keys=True) }}"))
                .isEqualTo("{\"k\": \"caf\\u00e9 \\ud83d\\ude00\"}|\"café\"|{\"a\": 2, \"b\": 1}");
        assertThat(render("{{ {'a': [1, {'b': 'c'}], 'e': []}|tojson(indent=2) }}")).isEqualTo(
                "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"c\"\n    }\n  ],\n  \"e\": []\n}");
    }

    @Test
    void pythonStringMethods() {
        assertThat(render("[{{ messages[0].content.strip() }}][{{ messages[0].content.lstrip() }}][{{ messages[0].content.rstrip() }}]"))
                .isEqualTo("[Be brief.][Be brief.  ][  Be brief.]");
        assertThat(render("{{ messages[1].content.split()|join(',') }}|{{ 'a--b--c'.split('--', 1)|join('+') }}"))
                .isEqualTo("Hello,World|a+b--c");
        assertThat(render("{% if messages[1].content.startswith('Hell') and messages[1].content.endswith(('x', 'ld'))"
                + " and not messages[1].content.startswith('W') %}yes{% endif %}")).isEqualTo("yes");
        assertThat(render("{{ messages[1].content[0] }}{{ messages[1].content[-1] }}{{ messages[1].content[:5] }}"))
                .isEqualTo("HdHello");
        assertThat(render("{% generation %}{{ messages[2].content }}{% endgeneration %}")).isEqualTo("Bye");
        assertThat(render("{{ 'hello wORLD'.title() }} {{ 'x'.upper() }}{{ 'Y'.lower() }} {{ 'aaa'.replace('a', 'b', 2) }}"))
                .isEqualTo("Hello World Xy bba");
    }

    @Test
    void dictMethodsAndItems() {
        assertThat(render("{% set d = {'k': 'v', 'n': 1} %}{% for key, value in d.items() %}{{ key }}={{ value }};{% endfor %}"
                + "{{ d.get('k') }}{{ d.get('missing', 'default') }}{% for k, v in d|items %}{{ k }}{% endfor %}"))
                .isEqualTo("k=v;n=1;vdefaultkn");
    }

    @Test
    void loopVariablesNamespacesAndFilteredLoops() {
        assertThat(render("{% set ns = namespace(count=0, last=messages|length - 1) %}"
                + "{% for m in messages %}{% set ns.count = ns.count + 1 %}{{ m.role }}{% if not loop.last %},{% endif %}{% endfor %}"
                + "|{{ ns.count }}|{{ ns.last }}"))
                .isEqualTo("user,assistant,user|3|2");
        assertThat(render("{% for m in messages if m.role == 'user' %}{{ m.content.strip() }}{% if not loop.last %}+{% endif %}{% endfor %}"))
                .isEqualTo("Be brief.+Bye");
        assertThat(render("{% for m in messages %}{% if loop.previtem and loop.previtem.role == 'user' %}[after user]{% endif %}{% endfor %}"))
                .isEqualTo("[after user]");
        assertThat(render("{% for m in messages[::-1] %}{{ m.content[:3] }}{% endfor %}")).isEqualTo("ByeHel  B");
    }

    @Test
    void precedenceOfNotMatchesJinja2() {
        assertThat(render("{% if not undefined_thing is defined %}A{% endif %}{% if not messages|length == 1 %}B{% endif %}"))
                .isEqualTo("AB");
    }

    @Test
    void blocksOnTheirOwnLinesLeaveNoWhitespace() {
        String template = "{% for m in messages %}\n    {% if m.role == 'user' %}\n{{ m.content }}\n    {% endif %}\n{% endfor %}\n";
        assertThat(render(template)).isEqualTo("  Be brief.  \nBye\n");
    }

    @Test
    void toolCallsAndResultsInHistory() {
        List<Message> history = List.of(Message.user("Weather?"),
                Message.assistant("", List.of(new ToolCall("abc123XYZ", "get_weather", "{\"city\":\"Paris\"}"))),
                Message.toolResult("abc123XYZ", "sunny"));
        String template = "{% for m in messages %}{% if m.tool_calls is defined %}{% for c in m.tool_calls %}"
                + "{{ c.id }}:{{ c.function.name }}{{ c.function.arguments|tojson }}{{ c.function.arguments.city }}{% endfor %}"
                + "{% elif m.role == 'tool' %}|{{ m.name }}({{ m.tool_call_id }})={{ m.content }}{% endif %}{% endfor %}";
        assertThat(render(template, history, List.of())).isEqualTo("abc123XYZ:get_weather{\"city\": \"Paris\"}Paris|get_weather(abc123XYZ)=sunny");
    }

    @Test
    void systemMessagesAreFoldedIntoTheUserTurnWhenTheTemplateRefusesThem() {
        ChatTemplate template = new ChatTemplate("{% if messages[0].role == 'system' %}{{ raise_exception('no system') }}{% endif %}"
                + "{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}", "<s>", "</s>", CLOCK);
        assertThat(template.supportsSystemRole()).isFalse();
        assertThat(template.render(List.of(Message.system("S"), Message.user("U")), List.of(), false)).isEqualTo("<user>S\nU");
    }

    @Test
    void bosAndEosTokensAndLeadingBosRemoval() {
        String rendered = render("{{ bos_token }}x{{ eos_token }}");
        assertThat(rendered).isEqualTo("<s>x</s>");
        assertThat(ChatTemplate.withoutTokenizerAddedSpecials(rendered, "<s>", "</s>", true, false)).isEqualTo("x</s>");
        assertThat(ChatTemplate.withoutTokenizerAddedSpecials(rendered, "<s>", "</s>", false, true)).isEqualTo("<s>x");
    }
}
