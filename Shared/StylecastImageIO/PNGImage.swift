import StylecastTensor

/// An 8-bit image with interleaved channels, decoded from or encoded to PNG.
///
/// Decoding accepts non-interlaced 8-bit greyscale, grey+alpha, RGB, RGBA and palette images
/// with any of the five row filters, checking every chunk's CRC; palette images come back as
/// RGB, or RGBA when they carry a tRNS chunk. Encoding writes greyscale, grey+alpha, RGB or
/// RGBA with adaptive per-row filters. See ``ImageIOError`` for what is refused.
public struct PNGImage: Equatable, Sendable {
    /// The channel layout of each pixel.
    public enum Format: Int, Sendable, CaseIterable {
        /// One grey channel.
        case grey = 1
        /// Grey then alpha.
        case greyAlpha = 2
        /// Red, green, blue.
        case rgb = 3
        /// Red, green, blue, alpha.
        case rgba = 4

        /// Bytes per pixel.
        public var channels: Int { rawValue }
    }

    /// The largest image decoded or encoded: 64 Mi pixels (8192 x 8192), which bounds the
    /// memory a hostile file can make the decoder allocate (256 MiB for RGBA).
    public static let maximumPixelCount = 64 * 1024 * 1024

    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// The channel layout.
    public let format: Format
    /// `height` rows of `width` pixels of `format.channels` bytes, top row first.
    public let pixels: [UInt8]

    /// An image from its pixels.
    /// - Parameters:
    ///   - width: Width in pixels, at least 1.
    ///   - height: Height in pixels, at least 1.
    ///   - format: The channel layout.
    ///   - pixels: `width * height * format.channels` bytes, row-major, channels interleaved.
    /// - Throws: ``ImageIOError/invalidImage(reason:)`` or ``ImageIOError/pngTooManyPixels(width:height:limit:)``.
    public init(width: Int, height: Int, format: Format, pixels: [UInt8]) throws(ImageIOError) {
        guard width > 0, height > 0 else { throw .invalidImage(reason: "size \(width)x\(height) must be positive") }
        let (pixelCount, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixelCount <= Self.maximumPixelCount else {
            throw .pngTooManyPixels(width: width, height: height, limit: Self.maximumPixelCount)
        }
        guard pixels.count == pixelCount * format.channels else {
            throw .invalidImage(
                reason: "\(width)x\(height) \(format) needs \(pixelCount * format.channels) bytes, got \(pixels.count)")
        }
        self.init(checkedWidth: width, height: height, format: format, pixels: pixels)
    }

    /// An image whose size, format and byte count the caller has made consistent.
    init(checkedWidth width: Int, height: Int, format: Format, pixels: [UInt8]) {
        assert(width > 0 && height > 0 && pixels.count == width * height * format.channels)
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// An image from a tensor `[channels, height, width]` of values in [0, 1] (values outside
    /// are clamped; each becomes `round(value * 255)`), e.g. a generated design.
    /// - Parameter tensor: 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA) channels.
    /// - Throws: ``ImageIOError/invalidImage(reason:)`` for another shape or a NaN.
    public init(tensor: Tensor) throws(ImageIOError) {
        guard tensor.rank == 3, let format = Format(rawValue: tensor.shape[0]) else {
            throw .invalidImage(reason: "tensor shape \(tensor.shape) must be [1...4, height, width]")
        }
        let (height, width) = (tensor.shape[1], tensor.shape[2])
        let planeSize = height * width
        let bytes: [UInt8]? = tensor.withUnsafeBufferPointer { values in
            var bytes = [UInt8](repeating: 0, count: values.count)
            for channel in 0..<format.channels {
                for pixel in 0..<planeSize {
                    let value = values[channel * planeSize + pixel]
                    guard !value.isNaN else { return nil }
                    bytes[pixel * format.channels + channel] = UInt8((Swift.min(Swift.max(value, 0), 1) * 255).rounded())
                }
            }
            return bytes
        }
        guard let bytes else { throw .invalidImage(reason: "tensor holds NaN") }
        try self.init(width: width, height: height, format: format, pixels: bytes)
    }

    /// The image as a tensor `[channels, height, width]` with values scaled to [0, 1].
    public func tensor() -> Tensor {
        let channels = format.channels
        var tensor = Tensor(zeros: [channels, height, width])
        let planeSize = height * width
        tensor.withUnsafeMutableBufferPointer { values in
            for pixel in 0..<planeSize {
                for channel in 0..<channels {
                    values[channel * planeSize + pixel] = Float(pixels[pixel * channels + channel]) / 255
                }
            }
        }
        return tensor
    }
}
