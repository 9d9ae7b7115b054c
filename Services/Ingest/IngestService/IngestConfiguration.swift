import StylecastServiceKit

/// The ingest service's own settings, from environment variables (documented in
/// docs/operations.md beside the shared ones).
public struct IngestConfiguration: Sendable {
    /// Records validated, normalised and written to Redis together (`STYLECAST_INGEST_BATCH`,
    /// default 256). The service reads the next records of a stream only after a batch is
    /// stored, so HTTP/2 flow control slows a fast client down instead of buffering.
    public var batchSize: Int
    /// Longest text field of a record, in UTF-8 bytes (`STYLECAST_INGEST_MAX_TEXT_BYTES`,
    /// default 65536).
    public var maxTextBytes: Int
    /// Largest image of an item, in bytes (`STYLECAST_INGEST_MAX_IMAGE_BYTES`, default 4194304).
    public var maxImageBytes: Int
    /// Most per-record errors listed in one summary; the rest are counted
    /// (`STYLECAST_INGEST_MAX_REPORTED_ERRORS`, default 1000).
    public var maxReportedErrors: Int
    /// Whether item images get a predicted garment class and dominant colours
    /// (`STYLECAST_INGEST_IMAGE_FEATURES`, `on` or `off`, default `on`).
    public var imageFeatures: Bool

    /// Creates a configuration with explicit values.
    public init(batchSize: Int, maxTextBytes: Int, maxImageBytes: Int, maxReportedErrors: Int, imageFeatures: Bool) {
        self.batchSize = batchSize
        self.maxTextBytes = maxTextBytes
        self.maxImageBytes = maxImageBytes
        self.maxReportedErrors = maxReportedErrors
        self.imageFeatures = imageFeatures
    }

    /// Reads and validates the settings.
    /// - Throws: ``ConfigurationError`` naming every invalid variable.
    public static func read(environment: [String: String]) throws(ConfigurationError) -> IngestConfiguration {
        var reader = EnvironmentReader(environment: environment)
        let configuration = IngestConfiguration(
            batchSize: reader.integer("STYLECAST_INGEST_BATCH", default: 256, range: 1...8192),
            maxTextBytes: reader.integer("STYLECAST_INGEST_MAX_TEXT_BYTES", default: 65_536, range: 64...(16 << 20)),
            maxImageBytes: reader.integer(
                "STYLECAST_INGEST_MAX_IMAGE_BYTES", default: 4 << 20, range: 1024...(64 << 20)),
            maxReportedErrors: reader.integer(
                "STYLECAST_INGEST_MAX_REPORTED_ERRORS", default: 1000, range: 0...1_000_000),
            imageFeatures: reader.choice("STYLECAST_INGEST_IMAGE_FEATURES", default: "on", allowed: ["on", "off"]) == "on")
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return configuration
    }
}
