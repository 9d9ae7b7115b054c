import StylecastErrors

/// Forecasts the first weeks of sales of a product that has none yet, from past products with
/// similar attributes and the search interest in its attributes before release (docs/forecasting.md,
/// "New products").
///
/// Two parts, blended with ``NewProductConfiguration/neighbourShare``:
/// - nearest neighbours: the mean curve of the past products most similar in category, colour,
///   fabric, extra attribute, release date and (optionally) description embedding (the mean
///   training curve when nothing is similar at all);
/// - ridge regression, one output per week: one-hot attributes and season, release month and
///   weekday, each attribute's search-interest level and trend over the 52 weeks before release,
///   and the mean curve of the products launched within ``NewProductConfiguration/cohortDays``.
///
/// Training and forecasting are deterministic; forecasts are never negative.
public struct NewProductForecaster: Sendable {
    /// The longest horizon any model may be trained for, in weeks.
    public static let maximumHorizon = 52

    /// Weeks the model was trained for: the shortest sales history of the training products,
    /// capped at ``maximumHorizon``; the most a forecast may ask for.
    public let trainedWeeks: Int
    /// The hyper-parameters used.
    public let configuration: NewProductConfiguration
    /// The mean training curve, the forecast of last resort.
    public let meanCurve: [Double]

    private let neighbours: AttributeNeighbours
    private let features: NewProductFeatures
    private let cohorts: ReleaseCohorts
    private let regression: RidgeRegression

    private init(
        trainedWeeks: Int, configuration: NewProductConfiguration, meanCurve: [Double],
        neighbours: AttributeNeighbours, features: NewProductFeatures, cohorts: ReleaseCohorts,
        regression: RidgeRegression
    ) {
        self.trainedWeeks = trainedWeeks
        self.configuration = configuration
        self.meanCurve = meanCurve
        self.neighbours = neighbours
        self.features = features
        self.cohorts = cohorts
        self.regression = regression
    }

    /// Trains a forecaster on past products.
    /// - Parameters:
    ///   - products: Past products with at least 1 week of sales each; every curve is cut to the
    ///     shortest one (at most 52 weeks).
    ///   - signals: Weekly search interest per attribute term (`week` is the week's first day,
    ///     `YYYY-MM-DD`; values 0-100, negative = missing). Terms without a series get zeros.
    ///   - configuration: Hyper-parameters; the defaults are the validated ones.
    /// - Returns: The trained model.
    /// - Throws: `InvalidInput` naming `products`, `products[i].releaseDate`,
    ///   `products[i].weeklySales` or `configuration`.
    public static func train(
        from products: [PastProduct], signals: [String: [(week: String, value: Double)]],
        configuration: NewProductConfiguration = NewProductConfiguration()
    ) throws(InvalidInput) -> NewProductForecaster {
        try validate(configuration)
        if products.isEmpty { throw InvalidInput(field: "products", rule: "must hold at least 1 product") }
        var days: [Int] = []
        days.reserveCapacity(products.count)
        for (index, past) in products.enumerated() {
            guard let day = CalendarDay.parse(past.product.releaseDate) else {
                throw InvalidInput(
                    field: "products[\(index)].releaseDate",
                    rule: "must be a date YYYY-MM-DD (got \"\(past.product.releaseDate)\")")
            }
            if past.weeklySales.isEmpty {
                throw InvalidInput(field: "products[\(index)].weeklySales", rule: "must hold at least 1 week")
            }
            if let week = past.weeklySales.firstIndex(where: { !$0.isFinite }) {
                throw InvalidInput(
                    field: "products[\(index)].weeklySales[\(week)]", rule: "must be a finite number")
            }
            days.append(day)
        }
        let weeks = min(products.map(\.weeklySales.count).min() ?? 1, maximumHorizon)
        let curves = products.map { Array($0.weeklySales.prefix(weeks)) }
        var mean = [Double](repeating: 0, count: weeks)
        for curve in curves { for w in 0..<weeks { mean[w] += curve[w] } }
        mean = mean.map { $0 / Double(curves.count) }

        let attributes = products.map(\.product)
        let trends = TrendSignals(signals)
        let features = NewProductFeatures(products: attributes, signals: trends)
        let cohorts = ReleaseCohorts(
            days: days, curves: curves, halfWidth: configuration.cohortDays, fallback: mean)
        let rows = attributes.indices.map { i in
            features.vector(
                for: attributes[i], releaseDay: days[i],
                cohort: cohorts.meanCurve(around: days[i], excluding: curves[i]))
        }
        return NewProductForecaster(
            trainedWeeks: weeks, configuration: configuration, meanCurve: mean,
            neighbours: AttributeNeighbours(
                products: attributes, releaseDays: days, curves: curves, configuration: configuration),
            features: features, cohorts: cohorts,
            regression: RidgeRegression(rows: rows, targets: curves, penalty: configuration.ridgePenalty))
    }

    /// Forecasts the weekly sales of a new product from its release week on.
    /// - Parameters:
    ///   - product: The product; unknown attribute values are allowed.
    ///   - horizon: Weeks to forecast, 1 to ``trainedWeeks``.
    /// - Returns: `horizon` non-negative weekly sales, in the training data's unit.
    /// - Throws: `InvalidInput` naming `horizon` or `product.releaseDate`.
    public func forecast(product: NewProduct, horizon: Int = 12) throws(InvalidInput) -> [Double] {
        if horizon < 1 || horizon > trainedWeeks {
            throw InvalidInput(field: "horizon", rule: "must be between 1 and \(trainedWeeks) (got \(horizon))")
        }
        guard let day = CalendarDay.parse(product.releaseDate) else {
            throw InvalidInput(
                field: "product.releaseDate", rule: "must be a date YYYY-MM-DD (got \"\(product.releaseDate)\")")
        }
        let share = configuration.neighbourShare
        let nearest = share > 0 ? neighbours.forecast(product, releaseDay: day) ?? meanCurve : meanCurve
        let regressed =
            share < 1
            ? regression.predict(features.vector(for: product, releaseDay: day, cohort: cohorts.meanCurve(around: day)))
            : meanCurve
        return (0..<horizon).map { w in max(0, share * nearest[w] + (1 - share) * regressed[w]) }
    }

    private static func validate(_ c: NewProductConfiguration) throws(InvalidInput) {
        func check(_ ok: Bool, _ rule: String) throws(InvalidInput) {
            if !ok { throw InvalidInput(field: "configuration", rule: rule) }
        }
        try check(c.neighbours >= 1, "neighbours must be at least 1 (got \(c.neighbours))")
        let weights = [c.categoryWeight, c.colorWeight, c.fabricWeight, c.extraWeight, c.releaseWeight, c.embeddingWeight]
        try check(weights.allSatisfy { $0.isFinite && $0 >= 0 }, "similarity weights must be finite and at least 0")
        try check(c.releaseScaleDays.isFinite && c.releaseScaleDays > 0, "releaseScaleDays must be above 0")
        try check(c.ridgePenalty.isFinite && c.ridgePenalty >= 0, "ridgePenalty must be at least 0")
        try check(c.cohortDays >= 0, "cohortDays must be at least 0 (got \(c.cohortDays))")
        try check((0...1).contains(c.neighbourShare), "neighbourShare must be between 0 and 1")
    }
}
