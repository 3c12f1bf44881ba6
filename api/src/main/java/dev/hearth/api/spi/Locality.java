package dev.hearth.api.spi;

/** Where a runtime sends the data of a request: what a privacy rule needs to know about it. */
public enum Locality {
    /** Computed inside this JVM; nothing leaves the process. */
    IN_PROCESS,
    /** Sent to another machine the user runs and trusts (a Hearth peer on the LAN). */
    TRUSTED_PEER,
    /** Sent to a third-party service (a cloud provider). */
    THIRD_PARTY
}
