/**
 * An agent harness on Hearth's public API: {@link dev.hearth.examples.agent.AgentLoop} runs the model, the tools it
 * calls ({@link dev.hearth.examples.agent.AgentTool}, with schemas derived by
 * {@link dev.hearth.examples.agent.RecordSchema}) and the loop between them; {@link dev.hearth.examples.agent.SubAgents}
 * forks conversations that share a cached prefix; {@link dev.hearth.examples.agent.AgentSession} saves and resumes
 * one. {@link dev.hearth.examples.agent.BuiltinTools} holds the example's sandboxed file tools, calculator and clock,
 * and {@link dev.hearth.examples.agent.AgentDemo} is what {@code hearth agent} runs.
 */
package dev.hearth.examples.agent;
