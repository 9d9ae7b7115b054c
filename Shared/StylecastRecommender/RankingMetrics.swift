#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Offline ranking metrics with binary relevance.
public enum RankingMetrics {
    /// Hit rate at `cutoff`: 1 when any relevant item is among the first `cutoff`, else 0.
    /// - Parameters:
    ///   - ranked: Recommended items, best first.
    ///   - relevant: The held-out items.
    ///   - cutoff: List length considered (e.g. 10).
    public static func hitRate(ranked: [Int], relevant: Set<Int>, cutoff: Int) -> Double {
        ranked.prefix(cutoff).contains(where: relevant.contains) ? 1 : 0
    }

    /// Normalised discounted cumulative gain at `cutoff` with binary gains:
    /// `sum over hits at rank r (1-based) of 1 / log2(r + 1)`, divided by the same sum for an
    /// ideal list of `min(cutoff, relevant.count)` hits. Repeated items count once.
    /// - Parameters:
    ///   - ranked: Recommended items, best first.
    ///   - relevant: The held-out items (0 when empty).
    ///   - cutoff: List length considered.
    public static func ndcg(ranked: [Int], relevant: Set<Int>, cutoff: Int) -> Double {
        guard !relevant.isEmpty else { return 0 }
        var seen = Set<Int>()
        var gain = 0.0
        for (position, item) in ranked.prefix(cutoff).enumerated() where relevant.contains(item) && seen.insert(item).inserted {
            gain += 1 / log2(Double(position) + 2)
        }
        let ideal = (0..<min(cutoff, relevant.count)).reduce(0.0) { $0 + 1 / log2(Double($1) + 2) }
        return gain / ideal
    }

    /// Average precision at `cutoff` exactly as the H&M Kaggle competition scores MAP@12:
    /// `sum over k <= cutoff of P(k) * rel(k) / min(cutoff, relevant.count)`, where a repeated
    /// prediction is not relevant again; 0 when nothing is relevant.
    /// - Parameters:
    ///   - ranked: Recommended items, best first.
    ///   - relevant: The items actually bought in the test window.
    ///   - cutoff: List length considered (12 for H&M).
    public static func averagePrecision(ranked: [Int], relevant: Set<Int>, cutoff: Int) -> Double {
        guard !relevant.isEmpty else { return 0 }
        var seen = Set<Int>()
        var hits = 0
        var sum = 0.0
        for (position, item) in ranked.prefix(cutoff).enumerated() where seen.insert(item).inserted && relevant.contains(item) {
            hits += 1
            sum += Double(hits) / Double(position + 1)
        }
        return sum / Double(min(cutoff, relevant.count))
    }

    /// Mean of ``averagePrecision(ranked:relevant:cutoff:)`` over users, skipping users with
    /// nothing relevant (as the competition averages over customers who bought in the window).
    /// - Parameters:
    ///   - rankings: One recommended list per user.
    ///   - relevant: One set of held-out items per user, same order.
    ///   - cutoff: List length considered.
    public static func meanAveragePrecision(rankings: [[Int]], relevant: [Set<Int>], cutoff: Int) -> Double {
        var total = 0.0
        var users = 0
        for (ranked, items) in zip(rankings, relevant) where !items.isEmpty {
            total += averagePrecision(ranked: ranked, relevant: items, cutoff: cutoff)
            users += 1
        }
        return users == 0 ? 0 : total / Double(users)
    }
}
