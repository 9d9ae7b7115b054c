/// The hyper-parameters of ``NewProductForecaster``.
///
/// The defaults were chosen by validation on the VISUELLE training set only (docs/forecasting.md,
/// "New products"): fit on the training products less the last-released quarter of its two latest
/// seasons, scored by WAPE on that quarter.
public struct NewProductConfiguration: Sendable, Hashable {
    /// Neighbours averaged by the nearest-neighbour part.
    public var neighbours: Int
    /// Similarity added for a matching category.
    public var categoryWeight: Double
    /// Similarity added for a matching colour.
    public var colorWeight: Double
    /// Similarity added for a matching fabric.
    public var fabricWeight: Double
    /// Similarity added for a matching extra attribute.
    public var extraWeight: Double
    /// Weight of the release-date kernel `exp(-|days apart| / releaseScaleDays)`: products launched
    /// together sell alike (same stores, same collection), which is the strongest single signal.
    public var releaseWeight: Double
    /// Scale of the release-date kernel, in days.
    public var releaseScaleDays: Double
    /// Weight of the cosine similarity of description embeddings, when both products have one.
    public var embeddingWeight: Double
    /// Ridge penalty of the regression part, on standardised features.
    public var ridgePenalty: Double
    /// Half-width, in days, of the release cohort whose mean curve is a regression feature.
    public var cohortDays: Int
    /// Share of the nearest-neighbour forecast in the blend (1 - share goes to the regression).
    public var neighbourShare: Double

    /// Creates a configuration; every parameter defaults to the validated value.
    /// - Parameters:
    ///   - neighbours: Neighbours averaged (at least 1).
    ///   - categoryWeight: Similarity of a matching category.
    ///   - colorWeight: Similarity of a matching colour.
    ///   - fabricWeight: Similarity of a matching fabric.
    ///   - extraWeight: Similarity of a matching extra attribute.
    ///   - releaseWeight: Weight of the release-date kernel.
    ///   - releaseScaleDays: Scale of the release-date kernel, days.
    ///   - embeddingWeight: Weight of the embeddings' cosine similarity.
    ///   - ridgePenalty: Ridge penalty on standardised features.
    ///   - cohortDays: Half-width of the release cohort, days.
    ///   - neighbourShare: Share of the nearest-neighbour forecast, 0...1.
    public init(
        neighbours: Int = 10, categoryWeight: Double = 1, colorWeight: Double = 0.5, fabricWeight: Double = 1,
        extraWeight: Double = 0.3, releaseWeight: Double = 10, releaseScaleDays: Double = 14,
        embeddingWeight: Double = 0, ridgePenalty: Double = 1_000, cohortDays: Int = 14, neighbourShare: Double = 0.5
    ) {
        self.neighbours = neighbours
        self.categoryWeight = categoryWeight
        self.colorWeight = colorWeight
        self.fabricWeight = fabricWeight
        self.extraWeight = extraWeight
        self.releaseWeight = releaseWeight
        self.releaseScaleDays = releaseScaleDays
        self.embeddingWeight = embeddingWeight
        self.ridgePenalty = ridgePenalty
        self.cohortDays = cohortDays
        self.neighbourShare = neighbourShare
    }
}
