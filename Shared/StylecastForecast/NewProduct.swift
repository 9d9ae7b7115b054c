/// A product about to be released, described only by its attributes: it has no sales yet.
///
/// Attribute values are free text (`"long sleeve"`, `"blue"`, `"cotton"`); a value that the
/// training set never saw is allowed and simply matches nothing (the forecast falls back to the
/// products that agree on the other attributes, and to the global mean curve).
public struct NewProduct: Sendable, Hashable {
    /// Product category, e.g. `"long sleeve"`.
    public var category: String
    /// Main colour, e.g. `"blue"`.
    public var color: String
    /// Main fabric, e.g. `"cotton"`.
    public var fabric: String
    /// Commercial season, e.g. `"SS19"`.
    public var season: String
    /// A further free attribute (VISUELLE's `extra`: a detail such as `"hem"`), empty when none.
    public var extra: String
    /// Release date, `YYYY-MM-DD`.
    public var releaseDate: String
    /// An optional description embedding (e.g. MiniLM of `"<color> <fabric> <category>"`); the
    /// nearest-neighbour part adds its cosine similarity when both products carry one.
    public var embedding: [Double]?

    /// Creates a product description.
    /// - Parameters:
    ///   - category: Product category.
    ///   - color: Main colour.
    ///   - fabric: Main fabric.
    ///   - season: Commercial season.
    ///   - extra: A further attribute, empty when none.
    ///   - releaseDate: Release date, `YYYY-MM-DD`.
    ///   - embedding: Optional description embedding.
    public init(
        category: String, color: String, fabric: String, season: String, extra: String = "",
        releaseDate: String, embedding: [Double]? = nil
    ) {
        self.category = category
        self.color = color
        self.fabric = fabric
        self.season = season
        self.extra = extra
        self.releaseDate = releaseDate
        self.embedding = embedding
    }

    /// The three attributes that have a search-interest signal, in a fixed order.
    var signalTerms: [String] { [category, color, fabric] }
}

/// A product already sold: its attributes and its weekly sales from release.
public struct PastProduct: Sendable, Hashable {
    /// The product's attributes.
    public var product: NewProduct
    /// Weekly sales from the release week on (any unit; VISUELLE's are normalised by 1,065).
    public var weeklySales: [Double]

    /// Creates a training example.
    /// - Parameters:
    ///   - product: The attributes.
    ///   - weeklySales: Weekly sales from release, at least as many weeks as the forecaster's horizon.
    public init(product: NewProduct, weeklySales: [Double]) {
        self.product = product
        self.weeklySales = weeklySales
    }
}
