package dev.hearth.api;

/** Who wrote a message in a conversation. */
public enum Role {
    SYSTEM, USER, ASSISTANT, TOOL
}
