/// Weights of the hybrid blend and the fixed hyper-parameters of its models.
///
/// The weights follow the H&M grid of docs/recommendation.md (co-occurrence 1, ALS 0.5,
/// popularity 0.5, repurchase 1); every component's scores are min-max normalised per query
/// before blending, so the weights compare like with like.
package struct BlendWeights: Sendable, Equatable {
    /// Weight of implicit ALS.
    package var als: Float = 0.5
    /// Weight of item co-occurrence.
    package var coOccurrence: Float = 1
    /// Weight of recent popularity.
    package var popularity: Float = 0.5
    /// Weight of the repurchase score.
    package var repurchase: Float = 1

    /// Popularity counting window, days.
    package static let popularityWindowDays = 28.0
    /// Popularity half-life within the window, days.
    package static let popularityHalfLifeDays = 7.0
    /// Co-occurrence: pairs of one user further apart than this are not counted, days.
    package static let coOccurrenceMaximumGapDays = 56.0
    /// Co-occurrence: half-life of a pair by the gap between its events, days.
    package static let coOccurrencePairHalfLifeDays = 14.0
    /// Co-occurrence: half-life of a history event at scoring time, days.
    package static let coOccurrenceHistoryHalfLifeDays = 56.0

    /// The default weights.
    package init() {}
}
