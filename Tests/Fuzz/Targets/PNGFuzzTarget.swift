import StylecastImageIO

/// `PNGImage(pngData:maximumPixelCount:)` with ingest's default pixel limit, then
/// `scaledDown(toFit:)` as ingest's feature extraction calls it: a decoded image must have the
/// pixels its size and format imply and fit the limit, its scaled copy must fit the side, and it
/// must survive ``PNGImage/pngData(filter:)`` and decoding again unchanged.
public struct PNGFuzzTarget: FuzzTarget {
    public static let name = "png"

    /// Ingest's default `STYLECAST_INGEST_MAX_IMAGE_PIXELS` (IngestConfiguration).
    static let pixelLimit = 4 << 20
    /// Ingest's working side for image features (ImageFeatureExtractor.workingSide).
    static let workingSide = 256

    /// Images up to this many bytes of pixels are re-encoded (larger ones cost the fuzzer more
    /// time than they teach it).
    static let roundTripByteLimit = 1 << 20

    /// Creates the target.
    public init() {}

    public func run(_ input: [UInt8]) throws(FuzzFailure) -> FuzzOutcome {
        let image: PNGImage
        do {
            image = try PNGImage(pngData: input, maximumPixelCount: Self.pixelLimit)
        } catch {
            return try rejection(error)
        }
        let (width, height, channels) = (image.width, image.height, image.format.channels)
        try check(width > 0 && height > 0, "decoded a \(width)x\(height) image")
        try check(width * height <= Self.pixelLimit, "decoded \(width)x\(height), over the pixel limit")
        try check(image.pixels.count == width * height * channels, "\(image.pixels.count) bytes for \(width)x\(height)x\(channels)")
        let scaled = image.scaledDown(toFit: Self.workingSide)
        try check(
            max(scaled.width, scaled.height) <= Self.workingSide && scaled.format == image.format
                && scaled.pixels.count == scaled.width * scaled.height * channels,
            "scaled \(width)x\(height) to \(scaled.width)x\(scaled.height) with \(scaled.pixels.count) bytes")
        if image.pixels.count <= Self.roundTripByteLimit {
            let again: PNGImage
            do {
                again = try PNGImage(pngData: try image.pngData())
            } catch {
                throw failure("a decoded \(width)x\(height) \(image.format) image does not round-trip: \(error)")
            }
            try check(again == image, "a decoded \(width)x\(height) \(image.format) image changed in a round trip")
        }
        return .accepted(summary: "\(width)x\(height) \(image.format)")
    }
}
