/// How item-item co-occurrence similarities are counted, decayed and normalised.
public struct CoOccurrenceConfiguration: Sendable, Equatable {
    /// How a pair count is turned into a similarity.
    public enum Normalization: String, Sendable, CaseIterable {
        /// `C_ij / sqrt(n_i n_j)`.
        case cosine
        /// `C_ij / (n_i + n_j - C_ij)`.
        case jaccard
        /// The raw decayed count `C_ij`.
        case none
    }

    /// Weight of a pair by the time between its two events (`|t_i - t_j|`): items bought
    /// together or consecutively count more than items months apart.
    public var pairDecay: TimeDecay
    /// Pairs further apart than this are not counted (`nil`: every pair of the user's history).
    public var maximumGap: Double?
    /// Weight of a pair by the age of its later event at training time (recent co-occurrences
    /// count more); `.none` for data without a shared clock.
    public var ageDecay: TimeDecay
    /// Weight of each history event at scoring time by its age (`now - time`).
    public var historyDecay: TimeDecay
    /// Neighbours kept per item, the most similar first (0 keeps all).
    public var neighbours: Int
    /// Normalisation of the decayed pair counts.
    public var normalization: Normalization

    /// Creates a configuration.
    /// - Parameters:
    ///   - pairDecay: Decay by the gap between the two events of a pair (default none).
    ///   - maximumGap: Largest gap counted (default `nil`: all).
    ///   - ageDecay: Decay by the age of a pair at training time (default none).
    ///   - historyDecay: Decay of history events at scoring time (default none).
    ///   - neighbours: Neighbours kept per item (default 200; 0 keeps all).
    ///   - normalization: Similarity normalisation (default cosine).
    public init(
        pairDecay: TimeDecay = .none, maximumGap: Double? = nil, ageDecay: TimeDecay = .none,
        historyDecay: TimeDecay = .none, neighbours: Int = 200, normalization: Normalization = .cosine
    ) {
        self.pairDecay = pairDecay
        self.maximumGap = maximumGap
        self.ageDecay = ageDecay
        self.historyDecay = historyDecay
        self.neighbours = neighbours
        self.normalization = normalization
    }
}
