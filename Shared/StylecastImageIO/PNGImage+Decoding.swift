extension PNGImage {
    /// The 8 bytes every PNG file starts with.
    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

    /// The fields of IHDR.
    private struct Header {
        var width: Int
        var height: Int
        var colourType: UInt8
    }

    /// Decodes a PNG file held in memory.
    ///
    /// The size in IHDR is checked against `maximumPixelCount` before anything is inflated, and
    /// the decoder then holds one buffer of the image's size (the filtered rows, compacted in
    /// place into the pixels), so a small file that claims a huge image costs nothing.
    /// - Parameters:
    ///   - pngData: The whole file.
    ///   - maximumPixelCount: The largest width x height accepted (at most
    ///     ``maximumPixelCount``, the default); a larger image is
    ///     ``ImageIOError/pngTooManyPixels(width:height:limit:)``.
    /// - Throws: ``ImageIOError`` naming the first problem: signature, chunk structure, CRC,
    ///   IHDR values, chunk order, unsupported features, size bound, decompression, filters,
    ///   palette indices.
    public init(pngData bytes: [UInt8], maximumPixelCount: Int = PNGImage.maximumPixelCount) throws(ImageIOError) {
        let pixelLimit = Swift.min(maximumPixelCount, Self.maximumPixelCount)
        guard bytes.count >= 8, Array(bytes[0..<8]) == Self.signature else { throw .pngBadSignature }
        var position = 8
        var header: Header?
        var palette: [UInt8]?
        var transparency: [UInt8]?
        var compressed: [UInt8] = []
        var idatState = 0  // 0: none seen, 1: in the IDAT run, 2: run ended
        var sawEnd = false

        while position < bytes.count {
            guard bytes.count - position >= 12 else { throw .pngTruncatedChunk(offset: position) }
            let length = Self.bigEndianUInt32(bytes, at: position)
            let typeBytes = bytes[(position + 4)..<(position + 8)]
            guard typeBytes.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                throw .pngBadChunkType(offset: position)
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= 0x7FFF_FFFF else { throw .pngChunkTooLarge(chunk: type, length: length) }
            guard bytes.count - position - 12 >= Int(length) else { throw .pngTruncatedChunk(offset: position) }
            let dataStart = position + 8
            let dataEnd = dataStart + Int(length)
            let stored = Self.bigEndianUInt32(bytes, at: dataEnd)
            let computed = Zlib.crc32(bytes[(position + 4)..<dataEnd])
            guard stored == computed else { throw .pngBadCRC(chunk: type, stored: stored, computed: computed) }
            let data = bytes[dataStart..<dataEnd]
            position = dataEnd + 4

            if header == nil && type != "IHDR" { throw .pngMissingChunk("IHDR") }
            if idatState == 1 && type != "IDAT" { idatState = 2 }
            switch type {
            case "IHDR":
                guard header == nil else { throw .pngChunkOutOfOrder(chunk: type, reason: "IHDR appears twice") }
                header = try Self.parseHeader(data, maximumPixelCount: pixelLimit)
            case "PLTE":
                guard palette == nil, idatState == 0 else {
                    throw .pngChunkOutOfOrder(chunk: type, reason: "PLTE must come once, before IDAT")
                }
                guard header!.colourType != 0, header!.colourType != 4 else {
                    throw .pngChunkOutOfOrder(chunk: type, reason: "greyscale images have no palette")
                }
                guard data.count % 3 == 0, (3...768).contains(data.count) else {
                    throw .pngBadPalette(reason: "PLTE length \(data.count) must be 3 to 768 and a multiple of 3")
                }
                palette = Array(data)
            case "tRNS":
                guard idatState == 0 else { throw .pngChunkOutOfOrder(chunk: type, reason: "tRNS must come before IDAT") }
                if header!.colourType == 3 {
                    guard let palette else { throw .pngChunkOutOfOrder(chunk: type, reason: "tRNS must follow PLTE") }
                    guard data.count <= palette.count / 3 else {
                        throw .pngBadPalette(reason: "tRNS has \(data.count) entries for \(palette.count / 3) colours")
                    }
                    transparency = Array(data)
                }
            // tRNS for greyscale and RGB (a single transparent colour) is ignored.
            case "IDAT":
                guard idatState != 2 else { throw .pngChunkOutOfOrder(chunk: type, reason: "IDAT chunks must be consecutive") }
                idatState = 1
                compressed.append(contentsOf: data)
            case "IEND":
                sawEnd = true
            default:
                // Bit 5 of the first letter clear (upper case) marks a critical chunk.
                guard typeBytes.first! & 0x20 != 0 else { throw .pngUnknownCriticalChunk(type) }
            }
            if sawEnd { break }
        }
        guard let header else { throw .pngMissingChunk("IHDR") }
        guard idatState != 0 else { throw .pngMissingChunk("IDAT") }
        guard sawEnd else { throw .pngMissingChunk("IEND") }
        if header.colourType == 3 && palette == nil { throw .pngMissingChunk("PLTE") }

        let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][header.colourType]!
        let stride = header.width * channels
        let expected = header.height * (stride + 1)
        var pixels = try Zlib.inflate(
            compressed, maximumByteCount: expected, concatenatedMembers: false, reserveMaximum: true)
        compressed = []
        guard pixels.count == expected else { throw .pngImageDataSize(expected: expected, actual: pixels.count) }
        try Self.unfilter(&pixels, height: header.height, stride: stride, bytesPerPixel: channels)
        Self.dropFilterBytes(&pixels, height: header.height, stride: stride)
        switch header.colourType {
        case 0: try self.init(width: header.width, height: header.height, format: .grey, pixels: pixels)
        case 4: try self.init(width: header.width, height: header.height, format: .greyAlpha, pixels: pixels)
        case 2: try self.init(width: header.width, height: header.height, format: .rgb, pixels: pixels)
        case 6: try self.init(width: header.width, height: header.height, format: .rgba, pixels: pixels)
        default:
            let expanded = try Self.expand(indices: pixels, palette: palette!, transparency: transparency)
            try self.init(
                width: header.width, height: header.height, format: transparency == nil ? .rgb : .rgba, pixels: expanded)
        }
    }

    /// Reads and decodes the PNG file at `path`.
    /// - Parameter path: A `.png` file.
    /// - Throws: ``ImageIOError/cannotRead(path:errno:)`` or a decoding error.
    public init(contentsOf path: String) throws(ImageIOError) {
        try self.init(pngData: try FileIO.read(path))
    }

    private static func parseHeader(
        _ data: ArraySlice<UInt8>, maximumPixelCount: Int
    ) throws(ImageIOError) -> Header {
        guard data.count == 13 else { throw .pngBadHeader(reason: "length \(data.count), must be 13") }
        let bytes = Array(data)
        let width = bigEndianUInt32(bytes, at: 0)
        let height = bigEndianUInt32(bytes, at: 4)
        let (depth, colourType, compression, filter, interlace) = (bytes[8], bytes[9], bytes[10], bytes[11], bytes[12])
        guard (1...0x7FFF_FFFF).contains(width), (1...0x7FFF_FFFF).contains(height) else {
            throw .pngBadHeader(reason: "size \(width)x\(height) must be 1 to 2^31 - 1 each way")
        }
        let allowedDepths: [UInt8: [UInt8]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let depths = allowedDepths[colourType] else { throw .pngBadHeader(reason: "colour type \(colourType)") }
        guard depths.contains(depth) else {
            throw .pngBadHeader(reason: "bit depth \(depth) is not allowed for colour type \(colourType)")
        }
        guard compression == 0 else { throw .pngBadHeader(reason: "compression method \(compression)") }
        guard filter == 0 else { throw .pngBadHeader(reason: "filter method \(filter)") }
        guard interlace <= 1 else { throw .pngBadHeader(reason: "interlace method \(interlace)") }
        guard depth == 8 else { throw .pngUnsupported(feature: "bit depth \(depth)") }
        guard interlace == 0 else { throw .pngUnsupported(feature: "Adam7 interlacing") }
        guard Int(width) * Int(height) <= maximumPixelCount else {
            throw .pngTooManyPixels(width: Int(width), height: Int(height), limit: maximumPixelCount)
        }
        return Header(width: Int(width), height: Int(height), colourType: colourType)
    }

    /// Reverses the row filters in place; `raw` holds rows of a filter-type byte then `stride` bytes.
    private static func unfilter(
        _ raw: inout [UInt8], height: Int, stride: Int, bytesPerPixel: Int
    ) throws(ImageIOError) {
        let failure: ImageIOError? = raw.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<height {
                let start = row * (stride + 1)
                guard let filter = PNGFilterType(rawValue: buffer[start]) else {
                    return .pngBadFilterType(row: row, type: buffer[start])
                }
                filter.unfilter(
                    buffer, row: (start + 1)..<(start + 1 + stride), previousStart: row == 0 ? nil : start - stride,
                    bytesPerPixel: bytesPerPixel)
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Turns rows of a filter-type byte then `stride` bytes into rows of `stride` bytes, in
    /// place: each row moves left by its row number, so no second image-sized buffer is needed.
    private static func dropFilterBytes(_ raw: inout [UInt8], height: Int, stride: Int) {
        raw.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            for row in 0..<height {
                // Overlapping regions: copyMemory moves like memmove.
                (base + row * stride).copyMemory(from: base + row * (stride + 1) + 1, byteCount: stride)
            }
        }
        raw.removeLast(height)
    }

    private static func expand(
        indices: [UInt8], palette: [UInt8], transparency: [UInt8]?
    ) throws(ImageIOError) -> [UInt8] {
        let colours = palette.count / 3
        let channels = transparency == nil ? 3 : 4
        var output = [UInt8](repeating: 0, count: indices.count * channels)
        for (pixel, index) in indices.enumerated() {
            let entry = Int(index)
            guard entry < colours else { throw .pngPaletteIndexOutOfRange(index: entry, paletteCount: colours) }
            for channel in 0..<3 { output[pixel * channels + channel] = palette[entry * 3 + channel] }
            if let transparency {
                output[pixel * channels + 3] = entry < transparency.count ? transparency[entry] : 255
            }
        }
        return output
    }

    static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
