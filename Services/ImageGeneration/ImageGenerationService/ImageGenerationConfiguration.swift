import Foundation
import StylecastClient
import StylecastContracts
import StylecastServiceKit

/// The image-generation service's own settings, from environment variables (documented in
/// docs/operations.md under `### image-generation`).
package struct ImageGenerationConfiguration: Sendable {
    /// text-embedding, which reads prompts (`STYLECAST_TEXT_EMBEDDING_TARGET`, `host:port`,
    /// default `127.0.0.1:50052`).
    package var textEmbedding: Endpoint
    /// trend-aggregation, which reports rising attributes (`STYLECAST_TRENDS_TARGET`,
    /// `host:port`, default `127.0.0.1:50055`).
    package var trends: Endpoint
    /// Edge length of a design when the request asks for 0 (`STYLECAST_IMAGE_DEFAULT_SIZE`,
    /// default 256, 28 to `STYLECAST_IMAGE_MAX_SIZE`).
    package var defaultSize: Int
    /// Largest edge length a request may ask for (`STYLECAST_IMAGE_MAX_SIZE`, default 1024,
    /// 28-4096).
    package var maxSize: Int
    /// Most designs of one call (`STYLECAST_IMAGE_MAX_COUNT`, default 64, 1-1024).
    package var maxCount: Int
    /// Longest prompt, in UTF-8 bytes (`STYLECAST_IMAGE_MAX_PROMPT_BYTES`, default 1000,
    /// 1-65536).
    package var maxPromptBytes: Int
    /// Most calls drawing at once (`STYLECAST_IMAGE_MAX_RUNNING`, default: the number of
    /// cores, 1-256); more wait for a turn.
    package var maxRunning: Int
    /// Most calls waiting for a turn to draw (`STYLECAST_IMAGE_MAX_WAITING`, default 32,
    /// 0-10000); more are refused with RESOURCE_EXHAUSTED.
    package var maxWaiting: Int
    /// How long a call to another service may take at most, in milliseconds, when the caller's
    /// deadline does not end sooner (`STYLECAST_UPSTREAM_TIMEOUT_MS`, default 5000, 10-120000).
    package var upstreamTimeout: Duration

    /// Reads and validates the settings.
    /// - Throws: ``ConfigurationError`` naming every invalid variable.
    package static func read(environment: [String: String]) throws(ConfigurationError) -> ImageGenerationConfiguration {
        var reader = EnvironmentReader(environment: environment)
        let textEmbedding = reader.parsed(
            "STYLECAST_TEXT_EMBEDDING_TARGET", default: StylecastServiceName.textEmbedding.defaultTarget, Endpoint.init(parsing:))
        let trends = reader.parsed(
            "STYLECAST_TRENDS_TARGET", default: StylecastServiceName.trendAggregation.defaultTarget, Endpoint.init(parsing:))
        let maxSize = reader.integer("STYLECAST_IMAGE_MAX_SIZE", default: 1024, range: 28...4096)
        let configuration = ImageGenerationConfiguration(
            textEmbedding: textEmbedding ?? .defaultEndpoint(of: .textEmbedding),
            trends: trends ?? .defaultEndpoint(of: .trendAggregation),
            defaultSize: reader.integer("STYLECAST_IMAGE_DEFAULT_SIZE", default: Swift.min(256, maxSize), range: 28...maxSize),
            maxSize: maxSize,
            maxCount: reader.integer("STYLECAST_IMAGE_MAX_COUNT", default: 64, range: 1...1024),
            maxPromptBytes: reader.integer("STYLECAST_IMAGE_MAX_PROMPT_BYTES", default: 1000, range: 1...65_536),
            maxRunning: reader.integer(
                "STYLECAST_IMAGE_MAX_RUNNING", default: Swift.min(256, ProcessInfo.processInfo.activeProcessorCount),
                range: 1...256),
            maxWaiting: reader.integer("STYLECAST_IMAGE_MAX_WAITING", default: 32, range: 0...10_000),
            upstreamTimeout: reader.milliseconds("STYLECAST_UPSTREAM_TIMEOUT_MS", default: 5000, range: 10...120_000))
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return configuration
    }
}
