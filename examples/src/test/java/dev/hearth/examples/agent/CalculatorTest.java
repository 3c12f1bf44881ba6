package dev.hearth.examples.agent;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CalculatorTest {

    @Test
    void evaluatesArithmeticWithTheUsualPrecedence() {
        assertThat(Calculator.evaluate("1 + 2 * 3")).isEqualTo(7);
        assertThat(Calculator.evaluate("(1 + 2) * 3")).isEqualTo(9);
        assertThat(Calculator.evaluate("2 ^ 3 ^ 2")).isEqualTo(512); // right-associative
        assertThat(Calculator.evaluate("-2 ^ 2")).isEqualTo(-4);
        assertThat(Calculator.evaluate("2 ^ -1")).isEqualTo(0.5);
        assertThat(Calculator.evaluate("12 / 3 - 7 % 4")).isEqualTo(1);
        assertThat(Calculator.evaluate("1.5e3 + .5")).isEqualTo(1500.5);
        assertThat(Calculator.evaluate("sqrt(16) + max(2, abs(-5)) + min(1, 2)")).isEqualTo(10);
        assertThat(Calculator.evaluate("2 * pi")).isCloseTo(2 * Math.PI, within(1e-12));
        assertThat(Calculator.format(Calculator.evaluate("12 / 3"))).isEqualTo("4");
        assertThat(Calculator.format(Calculator.evaluate("1 / 3"))).isEqualTo("0.333333333333");
    }

    @Test
    void refusesAnythingButArithmetic() {
        assertThatThrownBy(() -> Calculator.evaluate("java.lang.System.exit(0)")).hasMessageContaining("unknown function");
        assertThatThrownBy(() -> Calculator.evaluate("1 / 0")).hasMessageContaining("division by zero");
        assertThatThrownBy(() -> Calculator.evaluate("2 +")).hasMessageContaining("ended early");
        assertThatThrownBy(() -> Calculator.evaluate("2 ; 3")).hasMessageContaining("unexpected ';' at position 2");
        assertThatThrownBy(() -> Calculator.evaluate("sqrt(1, 2)")).hasMessageContaining("one argument");
        assertThatThrownBy(() -> Calculator.evaluate("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Calculator.evaluate("10 ^ 400")).hasMessageContaining("not a finite number");
        assertThatThrownBy(() -> Calculator.evaluate("(".repeat(100) + "1" + ")".repeat(100)))
                .hasMessageContaining("nests deeper");
        assertThatThrownBy(() -> Calculator.evaluate("1+".repeat(300) + "1")).hasMessageContaining("longer than");
    }
}
