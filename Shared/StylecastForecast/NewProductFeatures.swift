/// The regression features of a new product: one-hot attributes, the calendar of its release,
/// its attributes' search-interest signals before release, and the mean curve of its release cohort.
struct NewProductFeatures: Sendable {
    /// Known values per attribute, sorted; an unknown value gets an all-zero block.
    private let vocabularies: [[String: Int]]
    private let signals: TrendSignals

    /// Learns the attribute vocabularies from the training products.
    init(products: [NewProduct], signals: TrendSignals) {
        vocabularies = (0..<Self.attributeCount).map { attribute in
            let values = Set(products.map { Self.attributes(of: $0)[attribute] }).sorted()
            return Dictionary(uniqueKeysWithValues: values.enumerated().map { ($0.element, $0.offset) })
        }
        self.signals = signals
    }

    private static let attributeCount = 5

    private static func attributes(of product: NewProduct) -> [String] {
        [product.category, product.color, product.fabric, product.season, product.extra]
    }

    /// The feature vector of a product released on `releaseDay` whose cohort mean curve is `cohort`.
    func vector(for product: NewProduct, releaseDay: Int, cohort: [Double]) -> [Double] {
        var row: [Double] = []
        for (vocabulary, value) in zip(vocabularies, Self.attributes(of: product)) {
            var block = [Double](repeating: 0, count: vocabulary.count)
            if let index = vocabulary[value] { block[index] = 1 }
            row += block
        }
        var month = [Double](repeating: 0, count: 12)
        month[CalendarDay.month(of: releaseDay) - 1] = 1
        var weekday = [Double](repeating: 0, count: 7)
        weekday[CalendarDay.weekday(of: releaseDay)] = 1
        row += month + weekday
        for term in product.signalTerms { row += signals.features(term: term, releaseDay: releaseDay) }
        return row + cohort
    }
}
