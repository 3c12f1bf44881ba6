/** Remote runtimes (OpenAI, Anthropic, Ollama, peers) and the node server. */
package dev.hearth.remote;
