/// Puts the scores of different models on one scale before they are blended.
public enum ScoreNormalization {
    /// Min-max scaling to `[0, 1]` over the finite scores; non-finite scores (exclusions) are
    /// left alone, and a constant vector becomes all zeros (the model has no preference).
    /// - Parameter scores: One score per item, changed in place.
    public static func minMax(_ scores: inout [Float]) {
        var low = Float.infinity
        var high = -Float.infinity
        for value in scores where value.isFinite {
            low = min(low, value)
            high = max(high, value)
        }
        guard low < high else {
            for index in scores.indices where scores[index].isFinite { scores[index] = 0 }
            return
        }
        let scale = 1 / (high - low)
        for index in scores.indices where scores[index].isFinite {
            scores[index] = (scores[index] - low) * scale
        }
    }
}
