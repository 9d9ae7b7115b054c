/// An attribute of a design and where it came from.
package struct DesignAttribute: Sendable, Equatable {
    /// `"category"`, `"color"` or `"pattern"`.
    package var kind: String
    /// The value, e.g. `"dress"`, `"navy"`, `"stripes"`.
    package var value: String
    /// Confidence in [0, 1].
    package var confidence: Float
    /// `"lexicon"` (read from the prompt), `"zero-shot"` (nearest class prompt), `"trend"`
    /// (rising in trend-aggregation), `"seed"` (chosen by the seed) or `"default"`.
    package var origin: String

    /// Creates an attribute.
    package init(kind: String, value: String, confidence: Float, origin: String) {
        self.kind = kind
        self.value = value
        self.confidence = confidence
        self.origin = origin
    }
}

/// What to draw: a garment class, colours and a pattern, with the attributes that chose them.
package struct DesignPlan: Sendable, Equatable {
    /// The class the generator is conditioned on.
    package var garmentClass: GarmentClass
    /// The colours, base first.
    package var palette: DesignPalette
    /// The surface pattern.
    package var pattern: DesignPattern
    /// The attributes behind the choices, for the response.
    package var attributes: [DesignAttribute]

    /// Creates a plan.
    package init(garmentClass: GarmentClass, palette: DesignPalette, pattern: DesignPattern, attributes: [DesignAttribute]) {
        self.garmentClass = garmentClass
        self.palette = palette
        self.pattern = pattern
        self.attributes = attributes
    }

    /// The palette when neither the prompt nor the trends give a colour: navy with a
    /// near-white accent.
    package static let defaultPalette = DesignPalette(colorNames: ["navy"])!
}
