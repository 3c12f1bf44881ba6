package dev.hearth.local.stage;

import dev.hearth.api.CacheControl;
import dev.hearth.api.CacheStats;
import dev.hearth.api.InvalidRequestException;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Stages of one model in this process, each block handed from stage to stage as the residual stream. */
final class LocalStages implements StagePipeline {
    private final List<ModelStage> stages;

    LocalStages(List<ModelStage> stages) {
        this.stages = List.copyOf(stages);
        if (this.stages.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one stage");
        }
        int next = 0;
        for (ModelStage stage : this.stages) {
            if (stage.range().from() != next) {
                throw new IllegalArgumentException("stage " + stage.range() + " does not start where the previous one ended (layer "
                        + next + ")");
            }
            next = stage.range().to();
        }
        ModelStage last = this.stages.getLast();
        if (next != last.layerCount()) {
            throw new IllegalArgumentException("the stages end at layer " + next + " of " + last.layerCount());
        }
    }

    @Override
    public int contextLength() {
        return stages.stream().mapToInt(ModelStage::contextLength).min().orElseThrow();
    }

    @Override
    public int begin(int[] promptIds, CacheControl control) {
        if (stages.size() > 1 && (control.restoreFrom().isPresent() || control.saveTo().isPresent())) {
            throw new InvalidRequestException("session files hold a whole model's cache; this model is split into "
                    + stages.size() + " stages");
        }
        int common = Integer.MAX_VALUE;
        for (ModelStage stage : stages) {
            common = Math.min(common, stage.begin(promptIds, control));
        }
        for (ModelStage stage : stages) {
            stage.truncate(common);
        }
        return common;
    }

    @Override
    public float[] forward(int[] tokens, int from, int to, boolean wantLogits) {
        Objects.checkFromToIndex(from, to, tokens.length);
        float[] out = null;
        int last = stages.size() - 1;
        for (int blockStart = from; blockStart < to; blockStart += ModelStage.MAX_BLOCK_TOKENS) {
            int blockEnd = Math.min(to, blockStart + ModelStage.MAX_BLOCK_TOKENS);
            boolean logits = wantLogits && blockEnd == to;
            out = stages.getFirst().forwardTokens(tokens, blockStart, blockEnd, logits && last == 0);
            for (int i = 1; i <= last; i++) {
                out = stages.get(i).forwardHidden(out, blockEnd - blockStart, logits && i == last);
            }
        }
        return wantLogits ? out : null;
    }

    @Override
    public void remember(int[] tokens, CacheControl control, int pinnedTokens) {
        for (ModelStage stage : stages) {
            stage.remember(tokens, control, pinnedTokens);
        }
    }

    @Override
    public void save(CacheControl control, int[] tokens) {
        stages.getFirst().save(control, tokens);
    }

    @Override
    public void end() {
        stages.forEach(ModelStage::end);
    }

    @Override
    public Optional<CacheStats> cacheStats() {
        return stages.getFirst().cacheStats();
    }

    @Override
    public void close() {
        stages.forEach(ModelStage::close);
    }
}
