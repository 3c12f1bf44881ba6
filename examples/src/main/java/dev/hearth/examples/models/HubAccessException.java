package dev.hearth.examples.models;

import java.net.URI;

/** The hub answered with an error status: the repository or file is missing, gated, private, or the hub failed. */
public final class HubAccessException extends PullException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public HubAccessException(URI uri, int status, boolean tokenSent) {
        super(describe(uri, status, tokenSent));
        this.status = status;
    }

    /** The HTTP status the hub answered with. */
    public int status() {
        return status;
    }

    private static String describe(URI uri, int status, boolean tokenSent) {
        String advice = switch (status) {
            case 401, 403 -> tokenSent
                    ? "the token in HF_TOKEN is not allowed to read it (accept the model's licence on its page, or use a token with read access)"
                    : "the repository is private or gated: set HF_TOKEN to a Hugging Face access token";
            case 404 -> "check the repository, file name and revision"
                    + (tokenSent ? "" : " (a private repository also answers 404 without HF_TOKEN)");
            case 429 -> "the hub is rate limiting: wait and run pull again (a partial download resumes)";
            default -> "the hub failed: run pull again later (a partial download resumes)";
        };
        // the query string never carries credentials here, but keep the message to scheme, host and path anyway
        return "HTTP " + status + " from " + uri.getScheme() + "://" + uri.getAuthority() + uri.getRawPath() + ": " + advice + ".";
    }
}
