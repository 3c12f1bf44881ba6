package dev.hearth.examples.agent;

/** Why an agent run ended. */
public enum StopReason {
    /** The model answered without calling a tool: its text is the run's answer. */
    ANSWERED,
    /** The step limit was reached while the model was still calling tools. */
    STEP_LIMIT,
    /** The run was cancelled (its {@link CancelToken} or an interrupt of the running thread). */
    CANCELLED,
    /**
     * The client's routing refused the next step before sending anything: the run turned private and no configured
     * runtime may take private data (only third-party ones are configured, for instance).
     */
    REFUSED
}
