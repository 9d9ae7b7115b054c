extension PNGImage {
    /// The image as a PNG file: IHDR, the image data in IDAT chunks of at most 1 MiB, IEND.
    /// - Parameter filter: One filter for every row, or `nil` to choose per row the filter
    ///   whose output has the smallest sum of absolute (signed) bytes, as libpng does.
    /// - Throws: ``ImageIOError/compressionFailed(status:)`` only if zlib cannot allocate.
    public func pngData(filter: PNGFilterType? = nil) throws(ImageIOError) -> [UInt8] {
        let channels = format.channels
        let stride = width * channels
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (stride + 1))
        for row in 0..<height {
            let current = pixels[(row * stride)..<((row + 1) * stride)]
            let previous = row == 0 ? ArraySlice<UInt8>() : pixels[((row - 1) * stride)..<(row * stride)]
            let candidates = (filter.map { [$0] } ?? PNGFilterType.allCases).map {
                ($0, $0.filtered(current, previous: previous, bytesPerPixel: channels))
            }
            let best = candidates.min { Self.cost($0.1) < Self.cost($1.1) }!
            raw.append(best.0.rawValue)
            raw.append(contentsOf: best.1)
        }
        let colourType: UInt8 = switch format {
        case .grey: 0
        case .greyAlpha: 4
        case .rgb: 2
        case .rgba: 6
        }
        var header: [UInt8] = []
        Self.appendBigEndian(UInt32(width), to: &header)
        Self.appendBigEndian(UInt32(height), to: &header)
        header += [8, colourType, 0, 0, 0]

        var output = Self.signature
        Self.appendChunk("IHDR", header[...], to: &output)
        let compressed = try Zlib.deflate(raw)
        var start = 0
        repeat {
            let end = Swift.min(start + (1 << 20), compressed.count)
            Self.appendChunk("IDAT", compressed[start..<end], to: &output)
            start = end
        } while start < compressed.count
        Self.appendChunk("IEND", [][...], to: &output)
        return output
    }

    /// Encodes the image and writes it to `path`.
    /// - Parameters:
    ///   - path: The destination `.png` file, replaced if it exists.
    ///   - filter: As for ``pngData(filter:)``.
    /// - Throws: ``ImageIOError/cannotWrite(path:errno:)``.
    public func write(to path: String, filter: PNGFilterType? = nil) throws(ImageIOError) {
        try FileIO.write(try pngData(filter: filter), to: path)
    }

    private static func cost(_ row: [UInt8]) -> Int {
        row.reduce(0) { $0 + abs(Int(Int8(bitPattern: $1))) }
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func appendChunk(_ type: String, _ data: ArraySlice<UInt8>, to output: inout [UInt8]) {
        appendBigEndian(UInt32(data.count), to: &output)
        let typeStart = output.count
        output += Array(type.utf8)
        output += data
        appendBigEndian(Zlib.crc32(output[typeStart...]), to: &output)
    }
}
