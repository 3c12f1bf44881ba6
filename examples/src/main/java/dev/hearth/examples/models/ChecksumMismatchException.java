package dev.hearth.examples.models;

/** The downloaded bytes do not hash to the sha256 the repository publishes; the partial file has been deleted. */
public final class ChecksumMismatchException extends PullException {
    private static final long serialVersionUID = 1L;
    private final String expected;
    private final String actual;

    public ChecksumMismatchException(String file, String expected, String actual) {
        super(file + " has sha256 " + actual + " but the repository says " + expected
                + "; the download was deleted. Run pull again; if it repeats, the mirror or a proxy is serving other bytes.");
        this.expected = expected;
        this.actual = actual;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
