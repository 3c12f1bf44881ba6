package dev.hearth.examples.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The few Hugging Face hub calls {@code hearth pull} needs: a repository's file listing and a file's bytes from its
 * {@code resolve} address. Redirects are followed here rather than by the JDK so that the access token goes only to
 * the hub's own host: the CDN a file redirects to never sees it. The token never appears in logs or messages.
 */
public final class HubClient {
    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    private static final int MAX_REDIRECTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The public hub, used unless {@code HF_ENDPOINT} names another. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    private final URI endpoint;
    private final Optional<String> token;
    private final HttpClient http;

    public HubClient(URI endpoint, Optional<String> token) {
        String text = endpoint.toString();
        this.endpoint = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.token = token.filter(t -> !t.isBlank());
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Every file of the repository at {@code revision}, folders walked. */
    public List<RepoFile> listFiles(String repository, String revision) {
        URI uri = URI.create(endpoint + "/api/models/" + repository + "/tree/" + encode(revision) + "?recursive=true");
        try (Response response = get(uri, Optional.empty())) {
            JsonNode listing = JSON.readTree(response.body());
            if (!listing.isArray()) {
                throw new TransferFailedException("The hub's listing of " + repository + " is not a JSON array", null);
            }
            List<RepoFile> files = new ArrayList<>();
            for (JsonNode entry : listing) {
                if (!"file".equals(entry.path("type").asText())) {
                    continue;
                }
                JsonNode lfs = entry.path("lfs");
                Optional<String> sha256 = Optional.of(lfs.path("oid").asText("")).filter(HubClient::isSha256);
                files.add(new RepoFile(entry.path("path").asText(), entry.path("size").asLong(-1), sha256));
            }
            return files;
        } catch (IOException e) {
            throw new TransferFailedException("Reading the file list of " + repository + " from " + endpoint
                    + " failed (" + reason(e) + ")", e);
        }
    }

    /** Where a file's bytes are asked for. */
    public URI resolveUri(String repository, String revision, String path) {
        StringBuilder encodedPath = new StringBuilder();
        for (String segment : path.split("/")) {
            encodedPath.append('/').append(encode(segment));
        }
        return URI.create(endpoint + "/" + repository + "/resolve/" + encode(revision) + encodedPath);
    }

    /**
     * Starts a GET of {@code uri}, following redirects; {@code range} is sent as the Range header. The caller reads and
     * closes the body. Statuses 200, 206 and 416 are returned; any other fails with {@link HubAccessException}.
     */
    public Response get(URI uri, Optional<String> range) {
        URI current = uri;
        String linkedEtag = null;
        long linkedSize = -1;
        try {
            for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
                boolean sendToken = token.isPresent() && sameOrigin(current, endpoint);
                HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(Duration.ofMinutes(5)).GET()
                        .header("User-Agent", "hearth-pull");
                range.ifPresent(r -> request.header("Range", r));
                if (sendToken) {
                    request.header("Authorization", "Bearer " + token.get());
                }
                LOG.debug("GET {}{}", current, range.map(r -> " (" + r + ")").orElse(""));
                HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                // the hub puts the LFS sha256 and size on the resolve answer, before the redirect to the CDN
                String etag = response.headers().firstValue("X-Linked-Etag").orElse(null);
                if (etag != null && linkedEtag == null) {
                    linkedEtag = etag;
                }
                if (linkedSize < 0) {
                    linkedSize = response.headers().firstValueAsLong("X-Linked-Size").orElse(-1);
                }
                if (status >= 300 && status < 400 && status != 304) {
                    response.body().close();
                    String location = response.headers().firstValue("Location")
                            .orElseThrow(() -> new TransferFailedException("HTTP " + status + " without a Location from " + uri, null));
                    current = current.resolve(location);
                    continue;
                }
                if (status != 200 && status != 206 && status != 416) {
                    response.body().close();
                    throw new HubAccessException(current, status, sendToken);
                }
                Optional<String> sha256 = Optional.ofNullable(linkedEtag).map(HubClient::unquote).filter(HubClient::isSha256);
                return new Response(status, response, sha256, linkedSize);
            }
            throw new TransferFailedException("More than " + MAX_REDIRECTS + " redirects from " + uri, null);
        } catch (IOException e) {
            throw new TransferFailedException("Connecting to " + current.getScheme() + "://" + current.getAuthority()
                    + " failed (" + reason(e) + "); check the network or HF_ENDPOINT", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferFailedException("Interrupted while fetching " + uri, e);
        }
    }

    /** An answer whose body is still to be read. */
    public static final class Response implements AutoCloseable {
        private final int status;
        private final HttpResponse<InputStream> response;
        private final Optional<String> linkedSha256;
        private final long linkedSize;

        Response(int status, HttpResponse<InputStream> response, Optional<String> linkedSha256, long linkedSize) {
            this.status = status;
            this.response = response;
            this.linkedSha256 = linkedSha256;
            this.linkedSize = linkedSize;
        }

        public int status() {
            return status;
        }

        public InputStream body() {
            return response.body();
        }

        public Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        /** The sha256 the hub announced for the file ({@code X-Linked-Etag} of an LFS file), if it did. */
        public Optional<String> linkedSha256() {
            return linkedSha256;
        }

        /** The file size the hub announced ({@code X-Linked-Size}), or -1. */
        public long linkedSize() {
            return linkedSize;
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException e) {
                LOG.debug("Closing a response body failed", e);
            }
        }
    }

    static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    static boolean isSha256(String text) {
        return text != null && text.matches("[0-9a-f]{64}");
    }

    private static String unquote(String etag) {
        String value = etag.startsWith("W/") ? etag.substring(2) : etag;
        return value.replace("\"", "").strip();
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String reason(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
