import Foundation
import StylecastAttributes
import StylecastServiceKit

/// The text-embedding service's own settings, from environment variables (documented in
/// docs/operations.md beside the shared ones).
package struct TextEmbeddingConfiguration: Sendable {
    /// Folder holding `all-MiniLM-L6-v2/` (`STYLECAST_MODELS_DIR`, default `models`).
    package var modelsDirectory: String
    /// Most texts one `Embed`, `Tokenize` or `ExtractAttributes` call may carry
    /// (`STYLECAST_EMBED_MAX_TEXTS`, default 256).
    package var maxTextsPerCall: Int
    /// Longest text accepted, in UTF-8 bytes (`STYLECAST_EMBED_MAX_TEXT_BYTES`, default 65536);
    /// longer texts are refused, shorter ones are truncated to 256 tokens by the tokenizer.
    package var maxTextBytes: Int

    /// Most tokens in one encoder pass of the batcher (`STYLECAST_EMBED_BATCH_TOKENS`, default 4096).
    package var batchTokenBudget: Int
    /// Longest wait of a pass of the queue worker's items for more when the encoder is idle
    /// (`STYLECAST_EMBED_MAX_WAIT_MS`, default 2); a pass holding an RPC call never waits.
    package var batchMaxWait: Duration
    /// Most tokens waiting for a pass; beyond, calls get RESOURCE_EXHAUSTED
    /// (`STYLECAST_EMBED_MAX_QUEUED_TOKENS`, default 131072).
    package var maxQueuedTokens: Int
    /// Items of `items.ingested` the queue worker embeds at once (`STYLECAST_EMBED_WORKER_CONCURRENCY`,
    /// default 16): their texts meet in the batcher's passes, and their Redis writes overlap the
    /// encoding of the others.
    package var workerConcurrency: Int
    /// Lifetime of cached embeddings of repeated texts (`STYLECAST_EMBED_CACHE_TTL_S`, default
    /// 86400; 0 disables the cache).
    package var cacheTimeToLive: Duration

    /// Zero-shot attribute settings, `nil` when off (`STYLECAST_ZERO_SHOT`,
    /// `STYLECAST_ZERO_SHOT_KINDS`, `STYLECAST_ZERO_SHOT_RULES`; see ``ZeroShotConfiguration``).
    package var zeroShot: ZeroShotSettings?

    /// The model folder.
    package var modelDirectory: String { (modelsDirectory as NSString).appendingPathComponent("all-MiniLM-L6-v2") }

    /// Reads and validates the settings.
    /// - Throws: ``ConfigurationError`` naming every invalid variable.
    package static func read(environment: [String: String]) throws(ConfigurationError) -> TextEmbeddingConfiguration {
        var reader = EnvironmentReader(environment: environment)
        let configuration = TextEmbeddingConfiguration(
            modelsDirectory: reader.string("STYLECAST_MODELS_DIR", default: "models"),
            maxTextsPerCall: reader.integer("STYLECAST_EMBED_MAX_TEXTS", default: 256, range: 1...4096),
            maxTextBytes: reader.integer("STYLECAST_EMBED_MAX_TEXT_BYTES", default: 65_536, range: 16...(16 << 20)),
            batchTokenBudget: reader.integer("STYLECAST_EMBED_BATCH_TOKENS", default: 4096, range: 256...(1 << 20)),
            batchMaxWait: reader.milliseconds("STYLECAST_EMBED_MAX_WAIT_MS", default: 2, range: 0...1000),
            maxQueuedTokens: reader.integer(
                "STYLECAST_EMBED_MAX_QUEUED_TOKENS", default: 131_072, range: 256...(1 << 26)),
            workerConcurrency: reader.integer("STYLECAST_EMBED_WORKER_CONCURRENCY", default: 16, range: 1...256),
            cacheTimeToLive: .seconds(
                reader.integer("STYLECAST_EMBED_CACHE_TTL_S", default: 86_400, range: 0...(365 * 86_400))),
            zeroShot: ZeroShotConfiguration.read(&reader))
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return configuration
    }
}
