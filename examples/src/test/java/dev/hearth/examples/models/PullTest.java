package dev.hearth.examples.models;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code hearth pull} against {@link FakeHub}: resolve, redirects, ranges, resume, sha256, tokens, offline. */
class PullTest {
    @TempDir
    Path cache;

    private FakeHub hub;

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private ModelPuller puller(Optional<String> token) {
        return new ModelPuller(new ModelCatalogue(cache), Optional.of(new HubClient(hub.endpoint(), token)));
    }

    private Path hubFile(String name) {
        return cache.resolve("huggingface").resolve(FakeHub.REPOSITORY).resolve(name);
    }

    @Test
    void fileReferenceFollowsTheRedirectVerifiesAndRecordsTheSha256() throws IOException {
        Path pulled = puller(Optional.empty()).pull(ModelReference.parse("hf://acme/tiny-GGUF/tiny-Q8_0.gguf"), DownloadProgress.NONE);

        byte[] expected = hub.files.get("tiny-Q8_0.gguf");
        assertThat(pulled).isEqualTo(hubFile("tiny-Q8_0.gguf"));
        assertThat(Files.readAllBytes(pulled)).isEqualTo(expected);
        assertThat(Files.readString(ResumableDownload.hashFile(pulled))).startsWith(FakeHub.sha256(expected) + "  tiny-Q8_0.gguf");
        assertThat(hub.requestsTo("/acme/tiny-GGUF/resolve/main/tiny-Q8_0.gguf")).hasSize(1);
        assertThat(hub.requestsTo("/cdn/tiny-Q8_0.gguf")).singleElement().satisfies(seen -> assertThat(seen.range()).isNull());
        assertThat(Files.exists(ResumableDownload.partFile(pulled))).isFalse();
    }

    @Test
    void quantReferencePicksTheFileFromTheListingAndASecondPullDownloadsNothing() {
        ModelReference reference = ModelReference.parse("acme/tiny-GGUF:q4_k_m");
        Path first = puller(Optional.empty()).pull(reference, DownloadProgress.NONE);
        Path second = puller(Optional.empty()).pull(reference, DownloadProgress.NONE);

        assertThat(first).isEqualTo(hubFile("tiny-Q4_K_M.gguf")).isEqualTo(second);
        assertThat(hub.requestsTo("/cdn/")).hasSize(1);
        assertThat(hub.requestsTo("/api/models/acme/tiny-GGUF/tree/main")).hasSize(2);
    }

    @Test
    void unknownQuantOrAmbiguousRepositoryNamesTheFilesThereAre() {
        assertThatThrownBy(() -> puller(Optional.empty()).pull(ModelReference.parse("acme/tiny-GGUF:Q5_K_M"), DownloadProgress.NONE))
                .isInstanceOf(NoMatchingFileException.class)
                .hasMessageContaining("Q5_K_M").hasMessageContaining("tiny-Q4_K_M.gguf, tiny-Q8_0.gguf");
        assertThatThrownBy(() -> puller(Optional.empty()).pull(ModelReference.parse("acme/tiny-GGUF"), DownloadProgress.NONE))
                .isInstanceOf(NoMatchingFileException.class).hasMessageContaining("several .gguf files");
        assertThat(hub.requestsTo("/cdn/")).isEmpty();
    }

    @Test
    void interruptedTransferResumesFromThePartFileAskingOnlyForTheRest() throws IOException {
        byte[] expected = hub.files.get("tiny-Q4_K_M.gguf");
        hub.cutAfter.set(100_000);
        ModelReference reference = ModelReference.parse("hf://acme/tiny-GGUF/tiny-Q4_K_M.gguf");

        assertThatThrownBy(() -> puller(Optional.empty()).pull(reference, DownloadProgress.NONE))
                .isInstanceOf(TransferFailedException.class).hasMessageContaining("run pull again to resume");
        Path part = ResumableDownload.partFile(hubFile("tiny-Q4_K_M.gguf"));
        // the server sent 100,000 bytes and dropped the connection; the reset can discard the last bytes still in
        // flight, so the part holds what actually arrived, and the resume must ask for exactly the rest of that
        long kept = Files.size(part);
        assertThat(kept).isPositive().isLessThanOrEqualTo(100_000);
        assertThat(hubFile("tiny-Q4_K_M.gguf")).doesNotExist();

        List<long[]> progress = new ArrayList<>();
        Path pulled = puller(Optional.empty()).pull(reference, new DownloadProgress() {
            @Override
            public void start(String name, long resumedFrom, long total) {
                progress.add(new long[] {resumedFrom, total});
            }

            @Override
            public void advance(long bytesSoFar) {
            }

            @Override
            public void finish() {
            }
        });

        assertThat(Files.readAllBytes(pulled)).isEqualTo(expected);
        List<FakeHub.Seen> transfers = hub.requestsTo("/cdn/tiny-Q4_K_M.gguf");
        assertThat(transfers).hasSize(2);
        assertThat(transfers.get(1).range()).isEqualTo("bytes=" + kept + "-");
        assertThat(transfers.get(1).bytesSent()).isEqualTo(expected.length - kept);
        assertThat(progress).singleElement().satisfies(p -> assertThat(p).containsExactly(kept, expected.length));
        assertThat(part).doesNotExist();
    }

    @Test
    void aSecondPullOfTheSameFileIsRefusedWhileTheFirstHoldsThePart() throws IOException {
        Path target = hubFile("tiny-Q8_0.gguf");
        Files.createDirectories(target.getParent());
        try (java.nio.channels.FileChannel held = java.nio.channels.FileChannel.open(ResumableDownload.partFile(target),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock ignored = held.lock()) {
            assertThatThrownBy(() -> puller(Optional.empty()).pull(ModelReference.parse("acme/tiny-GGUF:Q8_0"), DownloadProgress.NONE))
                    .isInstanceOf(TransferFailedException.class).hasMessageContaining("Another pull is downloading");
            assertThat(ResumableDownload.partFile(target)).exists();
        }
        assertThat(hub.requestsTo("/cdn/")).isEmpty();
        assertThat(puller(Optional.empty()).pull(ModelReference.parse("acme/tiny-GGUF:Q8_0"), DownloadProgress.NONE)).isEqualTo(target);
    }

    @Test
    void aStalledTransferIsGivenUpAndResumedLater() throws IOException {
        byte[] expected = hub.files.get("tiny-Q8_0.gguf");
        hub.stallAfter.set(70_000);
        HubClient client = new HubClient(hub.endpoint(), Optional.empty());
        Path target = hubFile("tiny-Q8_0.gguf");
        ResumableDownload impatient = new ResumableDownload(client, java.time.Duration.ofMillis(500));
        java.net.URI uri = client.resolveUri(FakeHub.REPOSITORY, "main", "tiny-Q8_0.gguf");

        assertThatThrownBy(() -> impatient.fetch(uri, target, Optional.empty(), expected.length, DownloadProgress.NONE))
                .isInstanceOf(TransferFailedException.class).hasMessageContaining("no data for");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(Files.size(ResumableDownload.partFile(target))).isEqualTo(70_000);
        hub.release();

        impatient.fetch(uri, target, Optional.empty(), expected.length, DownloadProgress.NONE);
        assertThat(Files.readAllBytes(target)).isEqualTo(expected);
        // the stalled answer may be recorded after the resumed one: pick the resumed one by its Range
        assertThat(hub.requestsTo("/cdn/").stream().filter(seen -> seen.range() != null).toList())
                .singleElement().satisfies(seen -> assertThat(seen.range()).isEqualTo("bytes=70000-"));
    }

    @Test
    void wrongBytesFailWithTheShaMismatchAndLeaveNothingBehind() throws IOException {
        hub.corrupt = true;
        String expected = FakeHub.sha256(hub.files.get("tiny-Q8_0.gguf"));

        assertThatThrownBy(() -> puller(Optional.empty()).pull(ModelReference.parse("acme/tiny-GGUF:Q8_0"), DownloadProgress.NONE))
                .isInstanceOfSatisfying(ChecksumMismatchException.class, e -> {
                    assertThat(e.expected()).isEqualTo(expected);
                    assertThat(e.actual()).isNotEqualTo(expected).matches("[0-9a-f]{64}");
                });
        try (var left = Files.walk(cache)) {
            assertThat(left.filter(Files::isRegularFile).toList()).isEmpty();
        }
    }

    @Test
    void withoutAListedShaTheResolveEtagIsChecked() {
        hub.publishSha256 = false;
        Path pulled = puller(Optional.empty()).pull(ModelReference.parse("acme/tiny-GGUF:Q8_0"), DownloadProgress.NONE);
        assertThat(new ModelCatalogue(cache).recordedSha256(pulled)).isPresent();

        // the resolve answer's X-Linked-Etag alone catches a corrupted transfer
        hub.corrupt = true;
        hub.publishSha256 = true;
        hub.files.put("only-etag.gguf", hub.files.get("tiny-Q8_0.gguf"));
        HubClient client = new HubClient(hub.endpoint(), Optional.empty());
        Path target = cache.resolve("only-etag.gguf");
        assertThatThrownBy(() -> new ResumableDownload(client).fetch(client.resolveUri(FakeHub.REPOSITORY, "main", "only-etag.gguf"),
                target, Optional.empty(), -1, DownloadProgress.NONE))
                .isInstanceOf(ChecksumMismatchException.class);
        assertThat(ResumableDownload.partFile(target)).doesNotExist();
    }

    @Test
    void privateRepositoryWithoutTokenFailsWith401AndTheTokenGoesOnlyToTheHub() throws IOException {
        hub.requiredToken = "hf_secret_value";
        assertThatThrownBy(() -> puller(Optional.empty()).pull(ModelReference.parse("acme/tiny-GGUF:Q8_0"), DownloadProgress.NONE))
                .isInstanceOfSatisfying(HubAccessException.class, e -> assertThat(e.status()).isEqualTo(401))
                .hasMessageContaining("set HF_TOKEN");

        // the CDN is another host name for the same server: it must not receive the token
        assumeTrue(InetAddress.getByName("localhost").isLoopbackAddress());
        hub.cdnBase = "http://localhost:" + hub.port();
        Path pulled = puller(Optional.of("hf_secret_value")).pull(ModelReference.parse("acme/tiny-GGUF:Q8_0"), DownloadProgress.NONE);

        assertThat(Files.readAllBytes(pulled)).isEqualTo(hub.files.get("tiny-Q8_0.gguf"));
        assertThat(hub.requestsTo("/api/")).last().satisfies(seen -> assertThat(seen.authorization()).isEqualTo("Bearer hf_secret_value"));
        assertThat(hub.requestsTo("/acme/")).last().satisfies(seen -> assertThat(seen.authorization()).isEqualTo("Bearer hf_secret_value"));
        assertThat(hub.requestsTo("/cdn/")).singleElement().satisfies(seen -> assertThat(seen.authorization()).isNull());
    }

    @Test
    void commandLineHonoursTheEnvironmentAndNeverPrintsTheToken() {
        hub.requiredToken = "hf_secret_value";
        Map<String, String> environment = new HashMap<>();
        environment.put("HF_ENDPOINT", hub.endpoint().toString());
        environment.put("HEARTH_CACHE", cache.toString());
        Run withoutToken = run(environment, "acme/tiny-GGUF:Q8_0", "--no-progress");
        assertThat(withoutToken.exit).isEqualTo(2);
        assertThat(withoutToken.err).contains("HTTP 401").contains("HF_TOKEN");

        environment.put("HF_TOKEN", "hf_secret_value");
        Run withToken = run(environment, "acme/tiny-GGUF:Q8_0", "--no-progress");
        assertThat(withToken.exit).isZero();
        assertThat(withToken.out.strip()).isEqualTo(hubFile("tiny-Q8_0.gguf").toString());
        assertThat(withToken.out + withToken.err).doesNotContain("hf_secret_value");
    }

    @Test
    void offlineRefusesTheNetworkAndAnswersFromTheCache() {
        Map<String, String> environment = Map.of("HF_ENDPOINT", hub.endpoint().toString(), "HEARTH_CACHE", cache.toString());
        Run missing = run(environment, "--offline", "acme/tiny-GGUF:Q8_0");
        assertThat(missing.exit).isEqualTo(2);
        assertThat(missing.err).contains("--offline").contains("acme/tiny-GGUF:Q8_0").contains("without --offline");
        assertThat(hub.requests).isEmpty();

        assertThat(run(environment, "--no-progress", "acme/tiny-GGUF:Q8_0").exit).isZero();
        long afterPull = hub.arrivals.get();
        Run cached = run(environment, "--offline", "acme/tiny-GGUF:Q8_0");
        Run byFile = run(environment, "--offline", "hf://acme/tiny-GGUF/tiny-Q8_0.gguf");
        assertThat(cached.exit).isZero();
        assertThat(cached.out.strip()).isEqualTo(hubFile("tiny-Q8_0.gguf").toString()).isEqualTo(byFile.out.strip());
        assertThat(hub.arrivals.get()).isEqualTo(afterPull);
    }

    @Test
    void withoutAReferenceOfflineFindsTheDefaultModelOnThisMachineWithoutTheNetwork() throws IOException {
        Path stories = Path.of(System.getProperty("hearth.shared.models"), "gguf", "stories260K.gguf");
        Files.copy(stories, cache.resolve("stories260K.gguf"));
        Run run = run(Map.of("HEARTH_CACHE", cache.toString(), "HF_ENDPOINT", hub.endpoint().toString()), "--offline");
        assertThat(run.exit).isZero();
        assertThat(Path.of(run.out.strip()).getFileName()).hasToString("stories260K.gguf");
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void modelsCommandListsMeasuresAndRemovesWhatPullFetched() {
        puller(Optional.empty()).pull(ModelReference.parse("acme/tiny-GGUF:Q8_0"), DownloadProgress.NONE);
        String sha = FakeHub.sha256(hub.files.get("tiny-Q8_0.gguf"));

        Run listed = runModels("--cache-dir", cache.toString());
        assertThat(listed.out).contains("hf://acme/tiny-GGUF/tiny-Q8_0.gguf").contains("195.3 KiB").contains("sha256 " + sha)
                .contains("1 file, 195.4 KiB on disk in " + cache);
        Run removed = runModels("--cache-dir", cache.toString(), "remove", "acme/tiny-GGUF/tiny-Q8_0.gguf");
        assertThat(removed.exit).isZero();
        assertThat(removed.out).contains("removed acme/tiny-GGUF/tiny-Q8_0.gguf");
        assertThat(runModels("--cache-dir", cache.toString(), "disk").out).startsWith("0\t");
        assertThat(runModels("--cache-dir", cache.toString()).out).contains("No models in " + cache);
    }

    private static Run runModels(String... args) {
        StringWriter err = new StringWriter();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.out;
        CommandLine line = new CommandLine(new ModelsCommand());
        line.setErr(new PrintWriter(err, true));
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            int exit = line.execute(args);
            return new Run(exit, out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void aMalformedReferenceIsAUsageError() {
        Run run = run(Map.of("HEARTH_CACHE", cache.toString()), "hf://just-a-name");
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("is not a model reference");
        assertThat(hub.requests).isEmpty();
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Map<String, String> environment, String... args) {
        StringWriter err = new StringWriter();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.out;
        CommandLine line = new CommandLine(new PullCommand(environment));
        line.setErr(new PrintWriter(err, true));
        line.setExecutionExceptionHandler((failure, commandLine, parsed) -> {
            commandLine.getErr().println("error: " + failure.getMessage());
            return 2;
        });
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            int exit = line.execute(args);
            return new Run(exit, out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }
}
