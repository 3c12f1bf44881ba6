package dev.hearth.remote.server;

import dev.hearth.api.GenerationOptions;

/** What every endpoint needs: the models, the generation runner, the options requests start from, the counters. */
record ServerContext(ModelCatalog catalog, GenerationRunner runner, GenerationOptions defaults, ServerMetrics metrics) {
}
