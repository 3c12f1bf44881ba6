/**
 * The Hearth node server: {@link dev.hearth.remote.server.NodeServer} serves any
 * {@link dev.hearth.api.InferenceClient} over HTTP in the OpenAI, Anthropic and Ollama dialects. Everything but
 * {@code NodeServer} and its builder is package-private.
 */
package dev.hearth.remote.server;
