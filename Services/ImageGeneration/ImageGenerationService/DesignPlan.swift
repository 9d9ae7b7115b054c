/// An attribute of a design and where it came from.
public struct DesignAttribute: Sendable, Equatable {
    /// `"category"`, `"color"` or `"pattern"`.
    public var kind: String
    /// The value, e.g. `"dress"`, `"navy"`, `"stripes"`.
    public var value: String
    /// Confidence in [0, 1].
    public var confidence: Float
    /// `"lexicon"` (read from the prompt), `"zero-shot"` (nearest class prompt), `"trend"`
    /// (rising in trend-aggregation), `"seed"` (chosen by the seed) or `"default"`.
    public var origin: String

    /// Creates an attribute.
    public init(kind: String, value: String, confidence: Float, origin: String) {
        self.kind = kind
        self.value = value
        self.confidence = confidence
        self.origin = origin
    }
}

/// What to draw: a garment class, colours and a pattern, with the attributes that chose them.
public struct DesignPlan: Sendable, Equatable {
    /// The class the generator is conditioned on.
    public var garmentClass: GarmentClass
    /// The colours, base first.
    public var palette: DesignPalette
    /// The surface pattern.
    public var pattern: DesignPattern
    /// The attributes behind the choices, for the response.
    public var attributes: [DesignAttribute]

    /// Creates a plan.
    public init(garmentClass: GarmentClass, palette: DesignPalette, pattern: DesignPattern, attributes: [DesignAttribute]) {
        self.garmentClass = garmentClass
        self.palette = palette
        self.pattern = pattern
        self.attributes = attributes
    }

    /// The palette when neither the prompt nor the trends give a colour: navy with a
    /// near-white accent.
    public static let defaultPalette = DesignPalette(colorNames: ["navy"])!
}
