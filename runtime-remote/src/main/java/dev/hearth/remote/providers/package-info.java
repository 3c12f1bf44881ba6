/**
 * Cloud providers and OpenAI-compatible servers as runtimes: {@link dev.hearth.remote.providers.OpenAi},
 * {@link dev.hearth.remote.providers.Anthropic}, {@link dev.hearth.remote.providers.Ollama} and
 * {@link dev.hearth.remote.providers.OpenAiCompatible}. Each entry point returns a
 * {@link dev.hearth.api.spi.RuntimeSpec} with fluent, validated setters.
 */
package dev.hearth.remote.providers;
