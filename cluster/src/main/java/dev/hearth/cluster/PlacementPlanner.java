package dev.hearth.cluster;

import dev.hearth.local.stage.LayerRange;
import dev.hearth.local.stage.ModelLayout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Splits a model's layers into contiguous stages over the nodes that hold its file, in proportion to each node's
 * memory budget (every node first gets one layer, the rest is shared by largest remainder), and refuses a plan in
 * which some stage needs more than its node's budget. The coordinator's own node goes first so that token ids and
 * logits never cross the network; the others follow by budget, largest first.
 */
public final class PlacementPlanner {
    private PlacementPlanner() {
    }

    /**
     * @param maxStages at most this many stages (the nodes with the file, local first, then by budget)
     * @throws PlacementException when no node holds the file or the chosen nodes' budgets do not fit the layers
     */
    public static Placement plan(String modelSha256, ModelLayout layout, int contextLength,
                                 List<PlacementCandidate> candidates, int maxStages) {
        if (maxStages < 1) {
            throw new IllegalArgumentException("maxStages must be at least 1, was " + maxStages);
        }
        List<PlacementCandidate> eligible = candidates.stream()
                .filter(PlacementCandidate::holdsModel)
                .filter(c -> c.memoryBudgetBytes() > 0)
                .sorted(Comparator.comparing((PlacementCandidate c) -> !c.local())
                        .thenComparing(Comparator.comparingLong(PlacementCandidate::memoryBudgetBytes).reversed())
                        .thenComparing(PlacementCandidate::nodeId))
                .limit(Math.min(maxStages, layout.layerCount()))
                .toList();
        if (eligible.isEmpty()) {
            throw new PlacementException("no node with a memory budget holds the model " + modelSha256 + " (of "
                    + candidates.size() + " nodes)");
        }
        long[] budgets = eligible.stream().mapToLong(PlacementCandidate::memoryBudgetBytes).toArray();
        int[] counts = shares(layout.layerCount(), budgets);
        repair(layout, contextLength, budgets, counts);
        List<StageAssignment> stages = new ArrayList<>();
        int from = 0;
        StringBuilder overs = new StringBuilder();
        for (int i = 0; i < eligible.size(); i++) {
            LayerRange range = new LayerRange(from, from + counts[i]);
            long bytes = layout.bytesFor(range, contextLength);
            if (bytes > budgets[i]) {
                overs.append(String.format("%n  %s layers %s need %,d bytes, budget %,d", eligible.get(i).nodeId(), range,
                        bytes, budgets[i]));
            }
            stages.add(new StageAssignment(eligible.get(i).nodeId(), range, bytes, budgets[i]));
            from = range.to();
        }
        if (!overs.isEmpty()) {
            long total = layout.bytesFor(LayerRange.all(layout.layerCount()), contextLength);
            long pooled = 0;
            for (long budget : budgets) {
                pooled += budget;
            }
            throw new PlacementException(String.format("the model needs %,d bytes at context %d and %d node(s) lend %,d;"
                    + " no split fits:%s", total, contextLength, eligible.size(), pooled, overs));
        }
        return new Placement(modelSha256, layout.layerCount(), contextLength, stages);
    }

    /**
     * The split by memory ignores that the first stage also holds the embedding and the last the output; when that
     * overflows a node, hand its edge layers to a neighbour that still fits them, until every stage fits or no move
     * helps. Keeps every stage contiguous and at least one layer.
     */
    static void repair(ModelLayout layout, int contextLength, long[] budgets, int[] counts) {
        int n = counts.length;
        for (int moves = 0; moves < layout.layerCount() * n; moves++) {
            int over = -1;
            for (int i = 0; i < n && over < 0; i++) {
                if (need(layout, contextLength, counts, i) > budgets[i]) {
                    over = i;
                }
            }
            if (over < 0 || counts[over] == 1) {
                return;
            }
            boolean moved = false;
            for (int neighbour : new int[]{over + 1, over - 1}) {
                if (neighbour < 0 || neighbour >= n) {
                    continue;
                }
                counts[over]--;
                counts[neighbour]++;
                if (need(layout, contextLength, counts, neighbour) <= budgets[neighbour]) {
                    moved = true;
                    break;
                }
                counts[over]++;
                counts[neighbour]--;
            }
            if (!moved) {
                return;
            }
        }
    }

    private static long need(ModelLayout layout, int contextLength, int[] counts, int stage) {
        int from = 0;
        for (int i = 0; i < stage; i++) {
            from += counts[i];
        }
        return layout.bytesFor(new LayerRange(from, from + counts[stage]), contextLength);
    }

    /**
     * Layers per node: one each, then the remaining {@code layers - n} in proportion to {@code budgets}, floors first
     * and the leftovers to the largest remainders (ties to the earlier node).
     */
    static int[] shares(int layers, long[] budgets) {
        int n = budgets.length;
        if (n < 1 || n > layers) {
            throw new IllegalArgumentException(n + " nodes for " + layers + " layers");
        }
        long total = 0;
        for (long budget : budgets) {
            total = Math.addExact(total, budget);
        }
        int rest = layers - n;
        int[] counts = new int[n];
        long[] remainders = new long[n];
        int given = 0;
        for (int i = 0; i < n; i++) {
            // exact integer quotas: rest * budget / total, so no rounding can hand out a layer twice
            long numerator = total == 0 ? rest : Math.multiplyExact((long) rest, budgets[i]);
            long denominator = total == 0 ? n : total;
            counts[i] = 1 + (int) (numerator / denominator);
            remainders[i] = numerator % denominator;
            given += counts[i] - 1;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong((Integer i) -> -remainders[i]).thenComparingInt(i -> i));
        for (int k = 0; given < rest; k++, given++) {
            counts[order[k]]++;
        }
        return counts;
    }
}
