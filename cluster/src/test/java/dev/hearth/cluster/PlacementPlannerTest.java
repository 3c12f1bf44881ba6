package dev.hearth.cluster;

import dev.hearth.local.stage.LayerRange;
import dev.hearth.local.stage.ModelLayout;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.RepetitionInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Placement arithmetic as properties checked on seeded random clusters (each repetition its own seed). */
class PlacementPlannerTest {

    private static ModelLayout layout(int layers, long perLayer, long embedding, long output) {
        long[] sizes = new long[layers];
        Arrays.fill(sizes, perLayer);
        return new ModelLayout(layers, 64, 512, 64, sizes, embedding, output, false, 0);
    }

    @RepeatedTest(300)
    void sharesCoverEveryLayerOnceGiveEachNodeOneAndFollowTheBudgets(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        int layers = 1 + random.nextInt(120);
        int nodes = 1 + random.nextInt(Math.min(layers, 9));
        long[] budgets = new long[nodes];
        for (int i = 0; i < nodes; i++) {
            budgets[i] = random.nextInt(4) == 0 ? 0 : 1 + (long) (random.nextDouble() * 64L * (1L << 30));
        }
        int[] counts = PlacementPlanner.shares(layers, budgets);

        assertThat(Arrays.stream(counts).sum()).isEqualTo(layers);
        assertThat(Arrays.stream(counts).min().orElseThrow()).isGreaterThanOrEqualTo(1);
        double total = Arrays.stream(budgets).sum();
        int rest = layers - nodes;
        for (int i = 0; i < nodes; i++) {
            double ideal = 1 + (total == 0 ? (double) rest / nodes : rest * budgets[i] / total);
            // largest remainder: never a whole layer away from the exact proportional share
            assertThat(Math.abs(counts[i] - ideal)).isLessThan(1.0);
            for (int j = 0; j < nodes; j++) {
                if (budgets[i] > budgets[j]) {
                    assertThat(counts[i]).isGreaterThanOrEqualTo(counts[j]);
                }
            }
        }
    }

    @RepeatedTest(200)
    void plansAreContiguousLocalFirstWithinBudgetOrRefused(RepetitionInfo repetition) {
        Random random = new Random(1000 + repetition.getCurrentRepetition());
        int layers = 1 + random.nextInt(80);
        ModelLayout layout = layout(layers, 1 + random.nextInt(1000), random.nextInt(5000), random.nextInt(5000));
        List<PlacementCandidate> candidates = new ArrayList<>();
        int count = 1 + random.nextInt(6);
        for (int i = 0; i < count; i++) {
            candidates.add(new PlacementCandidate("node-" + i, random.nextInt(200_000), random.nextInt(5) != 0, i == 0));
        }
        int maxStages = 1 + random.nextInt(6);
        long need = layout.bytesFor(LayerRange.all(layers), 16);
        Placement plan;
        try {
            plan = PlacementPlanner.plan("sha", layout, 16, candidates, maxStages);
        } catch (PlacementException refused) {
            // a refusal is right only when the chosen nodes cannot hold it; then no single eligible node holds it all
            // or the proportional split overflowed some node
            assertThat(refused.getMessage()).containsAnyOf("no node", "no split fits");
            return;
        }
        assertThat(plan.stages()).hasSizeLessThanOrEqualTo(maxStages);
        int next = 0;
        long total = 0;
        for (StageAssignment stage : plan.stages()) {
            PlacementCandidate node = candidates.stream().filter(c -> c.nodeId().equals(stage.nodeId())).findFirst()
                    .orElseThrow();
            assertThat(node.holdsModel()).isTrue();
            assertThat(stage.range().from()).isEqualTo(next);
            assertThat(stage.range().size()).isGreaterThanOrEqualTo(1);
            assertThat(stage.bytes()).isEqualTo(layout.bytesFor(stage.range(), 16)).isLessThanOrEqualTo(node.memoryBudgetBytes());
            next = stage.range().to();
            total += node.memoryBudgetBytes();
        }
        assertThat(next).isEqualTo(layers);
        assertThat(total).isGreaterThanOrEqualTo(need);
        if (candidates.getFirst().holdsModel() && candidates.getFirst().memoryBudgetBytes() > 0) {
            assertThat(plan.stages().getFirst().nodeId()).isEqualTo("node-0");
        }
    }

    @Test
    void aModelOverEveryNodesBudgetIsSplitAndOneNodeAloneIsRefused() {
        ModelLayout model = layout(10, 100_000, 50_000, 50_000);
        long need = model.bytesFor(LayerRange.all(10), 8);
        long budget = need * 6 / 10;
        List<PlacementCandidate> two = List.of(new PlacementCandidate("a", budget, true, false),
                new PlacementCandidate("b", budget, true, false));

        Placement plan = PlacementPlanner.plan("sha", model, 8, two, 8);

        assertThat(plan.stages()).extracting(StageAssignment::range)
                .containsExactly(new LayerRange(0, 5), new LayerRange(5, 10));
        assertThatThrownBy(() -> PlacementPlanner.plan("sha", model, 8, two, 1))
                .isInstanceOf(PlacementException.class).hasMessageContaining("no split fits");
    }

    @Test
    void nodesWithoutTheFileAreNotGivenLayersAndNoneHoldingItIsRefused() {
        ModelLayout model = layout(4, 10, 10, 10);
        List<PlacementCandidate> nodes = List.of(new PlacementCandidate("big-without-file", 1 << 30, false, false),
                new PlacementCandidate("small-with-file", 1 << 20, true, false));

        assertThat(PlacementPlanner.plan("sha", model, 8, nodes, 8).stages()).extracting(StageAssignment::nodeId)
                .containsExactly("small-with-file");
        assertThatThrownBy(() -> PlacementPlanner.plan("sha", model, 8, nodes.subList(0, 1), 8))
                .isInstanceOf(PlacementException.class).hasMessageContaining("no node");
    }

    @Test
    void whenTheProportionalSplitOverflowsANodeBecauseOfTheEmbeddingLayersMoveToANeighbourWithRoom() {
        // a big embedding on the first stage: by budget alone the first node gets 5 of 10 layers and overflows
        ModelLayout model = layout(10, 100, 600, 0);
        long need = model.bytesFor(LayerRange.all(10), 0);
        List<PlacementCandidate> equal = List.of(new PlacementCandidate("a", need * 6 / 10, true, true),
                new PlacementCandidate("b", need * 6 / 10, true, false));

        Placement plan = PlacementPlanner.plan("sha", model, 0, equal, 8);

        assertThat(plan.stages().getFirst().range().size()).isLessThan(5);
        assertThat(plan.stages()).allSatisfy(s -> assertThat(s.bytes()).isLessThanOrEqualTo(s.budgetBytes()));
    }

    @Test
    void budgetsProportionsDecideTheSplit() {
        // 1 + 8 * 3/4 = 7 and 1 + 8 * 1/4 = 3
        assertThat(PlacementPlanner.shares(10, new long[]{3, 1})).containsExactly(7, 3);
        // 7 left for 3 equal budgets: 2 each and the leftover to the first
        assertThat(PlacementPlanner.shares(10, new long[]{5, 5, 5})).containsExactly(4, 3, 3);
    }
}
