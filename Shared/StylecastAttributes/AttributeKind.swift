/// The six kinds of fashion attribute that Stylecast extracts from text.
///
/// The raw values are the strings of the `kind` field of `stylecast.v1.Attribute`
/// (`Protos/stylecast/v1/common.proto`), so `color` keeps the proto's American spelling.
public enum AttributeKind: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Colour: black, navy, neon, multicolour, ...
    case color
    /// Surface pattern: solid, stripes, checks, dots, floral, geometric, ...
    case pattern
    /// Overall style: casual, formal, sporty, vintage, futuristic, ...
    case style
    /// Fabric or material: denim, cotton, wool, silk, leather, ...
    case material
    /// Cut and fit: slim, oversized, a-line, wide-leg, cropped, ...
    case silhouette
    /// Garment or accessory type: dress, t-shirt, jeans, sneakers, bag, ...
    case category

    /// Orders kinds as they are declared (colour first, category last).
    public static func < (lhs: AttributeKind, rhs: AttributeKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
