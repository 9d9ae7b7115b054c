import StylecastImageIO
import StylecastTensor

/// The dominant colours of a garment image, for image features at ingest: which colours the
/// garment is made of, how much of it each covers, and their canonical lexicon names.
///
/// ``extract(from:maxColors:palette:)`` works in CIELAB throughout:
/// 1. **Colour images only.** ``isColourImage(_:)`` must hold; a greyscale image (Fashion-MNIST)
///    gives no colours.
/// 2. **Garment mask.** Up to ``maskSampleLimit`` pixels are read on a stride. Pixels with alpha
///    below ``opaqueAlpha`` are dropped, and so is the background: when the image border is
///    near-uniform (see ``backgroundDistance``), pixels within ``backgroundDistance`` of the
///    border's median colour. If that leaves fewer than 1% of the pixels read (an image that is
///    all background), every pixel read is used instead.
/// 3. **Sample.** The garment pixels are thinned to at most ``sampleLimit``, evenly spaced.
/// 4. **Cluster.** k-means with k = `maxColors`, seeded by k-means++ from a fixed-seed
///    SplitMix64, Lloyd iterations until no pixel changes cluster or ``maxIterations``; then
///    clusters whose centres are less than ``mergeDistance`` apart are merged.
/// 5. **Report.** One ``DominantColor`` per cluster, named by the nearest ``ColorPalette``
///    entry, sorted by share, largest first.
///
/// The same image and arguments always give the same result.
public enum DominantColors {
    /// Pixels read for the garment mask at most, on a stride (see ``extract(from:maxColors:palette:)``).
    public static let maskSampleLimit = 65_536
    /// Garment pixels clustered at most.
    public static let sampleLimit = 4_096
    /// Pixels with a lower alpha (0 to 255) are transparent: not part of the garment.
    public static let opaqueAlpha: UInt8 = 128
    /// The chroma C\*ab below which a pixel counts as grey for ``isColourImage(_:)``: slightly
    /// tinted greys from a camera or JPEG round trip are still grey.
    public static let greyChroma = 5.0
    /// ΔE76 from the border's median colour within which a pixel is background, and within which
    /// at least ``uniformBorderFraction`` of the opaque border pixels must lie for the border to
    /// count as a uniform background at all. 10 keeps cream (#fffdd0, ΔE 22.8 from white) and
    /// light grey (#e0e0e0, ΔE 10.8) on white, and drops a white backdrop's shading and noise.
    public static let backgroundDistance = 10.0
    /// The fraction of opaque border pixels that must lie within ``backgroundDistance`` of their
    /// median for the border to be a background. 0.9 lets a garment touch the edge a little;
    /// a full-frame pattern (stripes to the edge) is not a background.
    public static let uniformBorderFraction = 0.9
    /// The fraction of the pixels read that the mask must keep; below it every pixel is used.
    public static let minimumGarmentFraction = 0.01
    /// Clusters whose centres are closer than this ΔE76 are one colour and are merged.
    public static let mergeDistance = 8.0
    /// Lloyd iterations at most.
    public static let maxIterations = 20
    /// The k-means++ seed.
    public static let seed: UInt64 = 0x5EED_C010_0025

    /// The dominant colours of the garment in an image.
    /// - Parameters:
    ///   - image: A decoded PNG of a garment, of any size and format.
    ///   - maxColors: The most colours returned (the k of k-means); fewer come back when the
    ///     garment has fewer distinct colours or when clusters merge. Below 1, none.
    ///   - palette: The named colours the results are named from.
    /// - Returns: The colours, largest share first; empty for a greyscale image.
    public static func extract(
        from image: PNGImage, maxColors: Int = 5, palette: ColorPalette = .standard
    ) -> [DominantColor] {
        guard maxColors >= 1, isColourImage(image) else { return [] }
        let garment = garmentPixels(of: image)
        let samples = evenlySpaced(garment, limit: sampleLimit)
        let kMeans = LabKMeans(seed: seed, maxIterations: maxIterations)
        let clusters = LabKMeans.merged(kMeans.clusters(of: samples, k: maxColors), closerThan: mergeDistance)
        return clusters.map { cluster in
            DominantColor(
                srgb: cluster.centre.srgb, lab: cluster.centre,
                share: Double(cluster.count) / Double(samples.count),
                name: palette.nearest(to: cluster.centre).name)
        }
        .sorted { ($0.share, $1.hex) > ($1.share, $0.hex) }
    }

    /// Whether an image has colour: `false` for the grey and grey+alpha formats, and for RGB or
    /// RGBA images whose opaque pixels (all pixels, if none is opaque) all have a chroma below
    /// ``greyChroma``.
    /// - Parameter image: A decoded PNG.
    public static func isColourImage(_ image: PNGImage) -> Bool {
        guard image.format == .rgb || image.format == .rgba else { return false }
        let pixelCount = image.width * image.height
        func hasColour(opaqueOnly: Bool) -> (colour: Bool, sawPixel: Bool) {
            var sawPixel = false
            for index in 0..<pixelCount {
                let (color, alpha) = image.pixel(at: index)
                if opaqueOnly && alpha < opaqueAlpha { continue }
                sawPixel = true
                let neutral = color.red == color.green && color.green == color.blue
                if !neutral && LabColor(color).chroma >= greyChroma { return (true, true) }
            }
            return (false, sawPixel)
        }
        let opaque = hasColour(opaqueOnly: true)
        return opaque.sawPixel ? opaque.colour : hasColour(opaqueOnly: false).colour
    }
}
