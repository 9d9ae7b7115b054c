import Foundation
import StylecastServiceKit

/// The text-embedding service's own settings, from environment variables (documented in
/// docs/operations.md beside the shared ones).
public struct TextEmbeddingConfiguration: Sendable {
    /// Folder holding `all-MiniLM-L6-v2/` (`STYLECAST_MODELS_DIR`, default `models`).
    public var modelsDirectory: String
    /// Most texts one `Embed`, `Tokenize` or `ExtractAttributes` call may carry
    /// (`STYLECAST_EMBED_MAX_TEXTS`, default 256).
    public var maxTextsPerCall: Int
    /// Longest text accepted, in UTF-8 bytes (`STYLECAST_EMBED_MAX_TEXT_BYTES`, default 65536);
    /// longer texts are refused, shorter ones are truncated to 256 tokens by the tokenizer.
    public var maxTextBytes: Int

    /// The model folder.
    public var modelDirectory: String { (modelsDirectory as NSString).appendingPathComponent("all-MiniLM-L6-v2") }

    /// Reads and validates the settings.
    /// - Throws: ``ConfigurationError`` naming every invalid variable.
    public static func read(environment: [String: String]) throws(ConfigurationError) -> TextEmbeddingConfiguration {
        var reader = EnvironmentReader(environment: environment)
        let configuration = TextEmbeddingConfiguration(
            modelsDirectory: reader.string("STYLECAST_MODELS_DIR", default: "models"),
            maxTextsPerCall: reader.integer("STYLECAST_EMBED_MAX_TEXTS", default: 256, range: 1...4096),
            maxTextBytes: reader.integer("STYLECAST_EMBED_MAX_TEXT_BYTES", default: 65_536, range: 16...(16 << 20)))
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return configuration
    }
}
