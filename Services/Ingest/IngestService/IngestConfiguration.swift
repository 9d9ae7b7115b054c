import StylecastServiceKit

/// The ingest service's own settings, from environment variables (documented in
/// docs/operations.md beside the shared ones).
package struct IngestConfiguration: Sendable {
    /// Records validated, normalised and written to Redis together (`STYLECAST_INGEST_BATCH`,
    /// default 256). The service reads the next records of a stream only after a batch is
    /// stored, so HTTP/2 flow control slows a fast client down instead of buffering.
    package var batchSize: Int
    /// Longest text field of a record, in UTF-8 bytes (`STYLECAST_INGEST_MAX_TEXT_BYTES`,
    /// default 65536).
    package var maxTextBytes: Int
    /// Largest image of an item, in bytes (`STYLECAST_INGEST_MAX_IMAGE_BYTES`, default 4194304).
    package var maxImageBytes: Int
    /// Most per-record errors listed in one summary; the rest are counted
    /// (`STYLECAST_INGEST_MAX_REPORTED_ERRORS`, default 1000).
    package var maxReportedErrors: Int
    /// Whether item images get a predicted garment class and dominant colours
    /// (`STYLECAST_INGEST_IMAGE_FEATURES`, `on` or `off`, default `on`).
    package var imageFeatures: Bool
    /// Largest image decoded for features, in pixels (width x height;
    /// `STYLECAST_INGEST_MAX_IMAGE_PIXELS`, default 4194304, 2048 x 2048). The garment models
    /// see 28 x 28 and the colour clustering 4,096 samples, so a larger photo adds nothing but
    /// memory; the size is read from the PNG header before anything is inflated.
    package var maxImagePixels: Int = 4 << 20
    /// A batch is stored early once its records hold this many bytes
    /// (`STYLECAST_INGEST_BATCH_BYTES`, default 8388608), so a stream of large images holds at
    /// most about this much, not `batchSize` messages of the largest size.
    package var batchBytes: Int = 8 << 20
    /// Most streaming ingest calls (`IngestItems`, `IngestSignals`) worked at once
    /// (`STYLECAST_INGEST_MAX_STREAMS`, default 8).
    package var maxStreams: Int = 8
    /// Most streaming calls waiting for a turn; more are refused with RESOURCE_EXHAUSTED
    /// (`STYLECAST_INGEST_MAX_WAITING_STREAMS`, default 32).
    package var maxWaitingStreams: Int = 32
    /// How long a record cut off between the store's steps stays pending before the sweep
    /// queues it (body written) or releases its id (`STYLECAST_INGEST_PENDING_EXPIRY_S`, default
    /// 900, 600 to 604800): far longer than any batch takes to store, so that a sender still at
    /// work is never swept.
    package var pendingExpiry: Duration = .seconds(900)

    /// Reads and validates the settings.
    /// - Throws: ``ConfigurationError`` naming every invalid variable.
    package static func read(environment: [String: String]) throws(ConfigurationError) -> IngestConfiguration {
        var reader = EnvironmentReader(environment: environment)
        let configuration = IngestConfiguration(
            batchSize: reader.integer("STYLECAST_INGEST_BATCH", default: 256, range: 1...8192),
            maxTextBytes: reader.integer("STYLECAST_INGEST_MAX_TEXT_BYTES", default: 65_536, range: 64...(16 << 20)),
            maxImageBytes: reader.integer(
                "STYLECAST_INGEST_MAX_IMAGE_BYTES", default: 4 << 20, range: 1024...(64 << 20)),
            maxReportedErrors: reader.integer(
                "STYLECAST_INGEST_MAX_REPORTED_ERRORS", default: 1000, range: 0...1_000_000),
            imageFeatures: reader.choice("STYLECAST_INGEST_IMAGE_FEATURES", default: "on", allowed: ["on", "off"]) == "on",
            maxImagePixels: reader.integer(
                "STYLECAST_INGEST_MAX_IMAGE_PIXELS", default: 4 << 20, range: 784...(64 << 20)),
            batchBytes: reader.integer("STYLECAST_INGEST_BATCH_BYTES", default: 8 << 20, range: (64 << 10)...(1 << 30)),
            maxStreams: reader.integer("STYLECAST_INGEST_MAX_STREAMS", default: 8, range: 1...1024),
            maxWaitingStreams: reader.integer("STYLECAST_INGEST_MAX_WAITING_STREAMS", default: 32, range: 0...100_000),
            pendingExpiry: .seconds(reader.integer("STYLECAST_INGEST_PENDING_EXPIRY_S", default: 900, range: 600...604_800)))
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return configuration
    }
}
