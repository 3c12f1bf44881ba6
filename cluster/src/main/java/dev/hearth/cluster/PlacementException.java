package dev.hearth.cluster;

import dev.hearth.api.ConfigurationException;

/** No plan fits: the nodes that hold the model do not have the memory its layers need. */
public class PlacementException extends ConfigurationException {
    private static final long serialVersionUID = 1L;

    public PlacementException(String message) {
        super(message);
    }
}
