package dev.hearth.remote.providers;

import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.ToolChoice;

/**
 * The generation options a provider's wire format cannot carry, refused by name before anything is sent: a remote
 * answer that silently ignored a logit bias or a required tool call would look right and be wrong.
 */
final class WireOptions {
    private WireOptions() {
    }

    /** Refuses a logit bias the provider cannot take. */
    static void refuseLogitBias(GenerationOptions options, String provider) {
        if (!options.logitBias().isEmpty()) {
            throw new InvalidRequestException(provider + " cannot be sent logitBias; route the request to a runtime "
                    + "that supports it (OpenAI chat, an OpenAI-compatible server, the local engine)");
        }
    }

    /** Refuses log probabilities where this client does not read them back (all but OpenAI chat and compatibles). */
    static void refuseLogprobs(GenerationOptions options, String provider) {
        if (options.wantsLogprobs()) {
            throw new InvalidRequestException(provider + ": logprobs are not read back from this API; ask the local "
                    + "engine, OpenAI Chat Completions or an OpenAI-compatible server for them");
        }
    }

    /** Refuses OpenAI's frequency and presence penalties where the wire format has no such fields. */
    static void refusePenalties(GenerationOptions options, String provider) {
        if (options.frequencyPenalty() != 0) {
            throw new InvalidRequestException(provider + " has no frequencyPenalty; leave it at 0");
        }
        if (options.presencePenalty() != 0) {
            throw new InvalidRequestException(provider + " has no presencePenalty; leave it at 0");
        }
    }

    /** Refuses a tool choice that forces a call where the wire format cannot say so. */
    static void refuseForcedToolChoice(GenerationOptions options, String provider) {
        ToolChoice choice = options.toolChoice();
        if (choice.forcesCall()) {
            throw new InvalidRequestException(provider + " cannot be told toolChoice " + choice
                    + "; its API has no tool_choice. Use auto or none, or route to a runtime that enforces it");
        }
    }
}
