/// One dominant colour of a garment image, as ``DominantColors/extract(from:maxColors:palette:)``
/// reports it.
public struct DominantColor: Sendable, Hashable {
    /// The cluster's mean colour, converted to 8-bit sRGB.
    public var srgb: SRGBColor
    /// The cluster's mean colour in CIELAB (what the clustering measured).
    public var lab: LabColor
    /// The fraction of the garment's sampled pixels in this colour's cluster, in [0, 1]; the
    /// shares of one extraction add up to 1.
    public var share: Double
    /// The canonical lexicon colour value nearest to ``lab`` (see ``ColorPalette``), e.g. `"navy"`.
    public var name: String

    /// `#rrggbb` in lower case, e.g. `"#1a2b3c"`.
    public var hex: String { srgb.hex }

    /// A dominant colour.
    /// - Parameters:
    ///   - srgb: The colour in 8-bit sRGB.
    ///   - lab: The colour in CIELAB.
    ///   - share: Its fraction of the garment, in [0, 1].
    ///   - name: Its canonical colour name.
    public init(srgb: SRGBColor, lab: LabColor, share: Double, name: String) {
        self.srgb = srgb
        self.lab = lab
        self.share = share
        self.name = name
    }
}
