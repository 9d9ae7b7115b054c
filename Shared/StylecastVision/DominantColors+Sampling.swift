import StylecastImageIO

extension DominantColors {
    /// Pixel indices, row-major, on one stride so that at most `limit` come back: every pixel
    /// when there are no more than `limit`. The step is the smallest one at or above
    /// `pixelCount / limit` that shares no factor with `width`, so successive rows are read at
    /// shifted columns: a step that divided the width would read the same columns on every row
    /// and could miss a vertical stripe entirely.
    static func strideIndices(pixelCount: Int, width: Int, limit: Int) -> StrideTo<Int> {
        guard pixelCount > limit else { return stride(from: 0, to: pixelCount, by: 1) }
        var step = (pixelCount + limit - 1) / limit
        while greatestCommonDivisor(step, width) != 1 { step += 1 }
        return stride(from: 0, to: pixelCount, by: step)
    }

    /// At most `limit` of `values`, evenly spaced and in order.
    static func evenlySpaced<Value>(_ values: [Value], limit: Int) -> [Value] {
        guard values.count > limit else { return values }
        return (0..<limit).map { values[$0 * values.count / limit] }
    }

    private static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}

extension PNGImage {
    /// The colour and alpha of one pixel, whatever the format: grey becomes a neutral sRGB
    /// colour, and formats without alpha are opaque (255).
    /// - Parameter index: Row-major pixel index, `0 ..< width * height`.
    func pixel(at index: Int) -> (color: SRGBColor, alpha: UInt8) {
        let base = index * format.channels
        switch format {
        case .grey:
            return (SRGBColor(red: pixels[base], green: pixels[base], blue: pixels[base]), 255)
        case .greyAlpha:
            return (SRGBColor(red: pixels[base], green: pixels[base], blue: pixels[base]), pixels[base + 1])
        case .rgb:
            return (SRGBColor(red: pixels[base], green: pixels[base + 1], blue: pixels[base + 2]), 255)
        case .rgba:
            return (
                SRGBColor(red: pixels[base], green: pixels[base + 1], blue: pixels[base + 2]), pixels[base + 3]
            )
        }
    }
}
