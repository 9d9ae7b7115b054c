import StylecastRecommender

/// Metrics of one ranking over a stage's evaluated users (or a sample of them): HR@10 and
/// NDCG@10 for sequences, MAP@12 (the H&M competition's) for days.
struct Metrics {
    var values: [String: Double]

    /// The metric tuning maximises: NDCG@10 or MAP@12.
    var primary: Double { values["ndcg@10"] ?? values["map@12"] ?? 0 }

    /// The metrics of `rankings` averaged over `users`.
    /// - Parameters:
    ///   - stage: The split stage, which holds the targets.
    ///   - rankings: Each user's ranked items; a user without one counts as a miss.
    ///   - users: The users averaged over, each with a target (default: every evaluated user).
    init(stage: Stage, rankings: [Int: [Int]], users: [Int]? = nil) {
        let users = users ?? stage.evaluatedUsers
        if stage.kind == .sequence {
            var hits = 0.0
            var gain = 0.0
            for user in users {
                let ranked = rankings[user] ?? []
                hits += RankingMetrics.hitRate(ranked: ranked, relevant: stage.targets[user]!, cutoff: 10)
                gain += RankingMetrics.ndcg(ranked: ranked, relevant: stage.targets[user]!, cutoff: 10)
            }
            values = ["hr@10": hits / Double(users.count), "ndcg@10": gain / Double(users.count)]
        } else {
            values = [
                "map@12": RankingMetrics.meanAveragePrecision(
                    rankings: users.map { rankings[$0] ?? [] }, relevant: users.map { stage.targets[$0]! }, cutoff: 12)
            ]
        }
    }

    /// The metrics of the list `ranked` makes for each of `users` (default: every evaluated user).
    init(stage: Stage, users: [Int]? = nil, ranked: (Int) throws -> [Int]) rethrows {
        let users = users ?? stage.evaluatedUsers
        self.init(stage: stage, rankings: Dictionary(uniqueKeysWithValues: try users.map { ($0, try ranked($0)) }), users: users)
    }
}

/// Rankings of every evaluated user from a per-user score function.
/// - Parameters:
///   - stage: The split stage.
///   - excludeSeen: Whether the user's training items are left out.
///   - score: Writes one score per item for a user.
func rankings(_ stage: Stage, excludeSeen: Bool, score: (Int, inout [Float]) -> Void) -> [Int: [Int]] {
    var result: [Int: [Int]] = [:]
    var scores = [Float]()
    for user in stage.evaluatedUsers {
        score(user, &scores)
        if excludeSeen {
            for event in stage.histories[user] { scores[event.item] = -.infinity }
        }
        result[user] = TopKSelection.top(stage.cutoff, of: scores).map(\.item)
    }
    return result
}

/// Rankings from ALS with one `sgemm` per block of 512 users (the full-ranking fast path).
func alsRankings(_ stage: Stage, model: ALSModel, excludeSeen: Bool) -> [Int: [Int]] {
    var result: [Int: [Int]] = [:]
    let evaluated = Set(stage.evaluatedUsers)
    var block = [Float]()
    var first = 0
    while first < stage.users {
        let users = first..<min(first + 512, stage.users)
        model.score(users: users, into: &block)
        block.withUnsafeMutableBufferPointer { buffer in
            for user in users where evaluated.contains(user) {
                let row = UnsafeMutableBufferPointer(rebasing: buffer[((user - first) * stage.items)..<((user - first + 1) * stage.items)])
                if excludeSeen {
                    for event in stage.histories[user] { row[event.item] = -.infinity }
                }
                result[user] = TopKSelection.top(stage.cutoff, of: UnsafeBufferPointer(row)).map(\.item)
            }
        }
        first = users.upperBound
    }
    return result
}
