import Foundation
import StylecastRecommender

/// One stage of a shared split (written by scripts/bench/recsys_anchors.py split): training
/// events, held-out targets, and the users' histories as queries see them.
struct Stage {
    enum Kind: String {
        /// Amazon: time is the position in the user's sequence, no shared clock.
        case sequence
        /// H&M: time is days since 2018-09-20.
        case days
    }

    let users: Int
    let items: Int
    /// End of training (H&M); unused for sequences, where each user's `now` is one past their last position.
    let now: Double
    let kind: Kind
    let train: [Interaction]
    /// Held-out items of each user with at least one, by user index.
    let targets: [Int: Set<Int>]
    /// Each user's training events.
    let histories: [[HistoryEvent]]
    /// Each item's attribute values (`items.tsv`, H&M only; empty lists elsewhere).
    let itemAttributes: [[String]]
    /// The latest time of any training event: the latest time a model trained on the stage knows.
    let latestTrainingTime: Double

    /// Users with a target, ascending.
    var evaluatedUsers: [Int] { targets.keys.sorted() }

    init(directory: String) throws {
        let metaData = try Data(contentsOf: URL(fileURLWithPath: directory + "/meta.json"))
        let meta = try JSONSerialization.jsonObject(with: metaData) as! [String: Any]
        users = meta["users"] as! Int
        items = meta["items"] as! Int
        now = (meta["now"] as! NSNumber).doubleValue
        kind = Kind(rawValue: meta["kind"] as! String)!
        train = try Self.read(directory + "/train.tsv")
        latestTrainingTime = train.map(\.time).max() ?? 0
        var targets: [Int: Set<Int>] = [:]
        for event in try Self.read(directory + "/target.tsv") { targets[event.user, default: []].insert(event.item) }
        self.targets = targets
        var histories = [[HistoryEvent]](repeating: [], count: users)
        for event in train { histories[event.user].append(HistoryEvent(item: event.item, time: event.time)) }
        self.histories = histories
        var attributes = [[String]](repeating: [], count: items)
        if let text = try? String(contentsOfFile: directory + "/items.tsv", encoding: .utf8) {
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: "\t").map(String.init)
                if let item = fields.first.flatMap(Int.init), item < items { attributes[item] = Array(fields.dropFirst()) }
            }
        }
        itemAttributes = attributes
    }

    /// The query for one user: the training history, at the end of training (H&M) or one
    /// position past the user's last event (sequences).
    func query(user: Int) -> RecommendationQuery {
        let history = histories[user]
        let time = kind == .days ? now : (history.map(\.time).max() ?? -1) + 1
        return RecommendationQuery(user: user, history: history, now: time)
    }

    /// List length of the dataset's metric: 10 (HR/NDCG@10) or 12 (MAP@12).
    var cutoff: Int { kind == .sequence ? 10 : 12 }

    private static func read(_ path: String) throws -> [Interaction] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var events = [Interaction]()
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            guard fields.count == 3, let user = Int(fields[0]), let item = Int(fields[1]), let time = Double(fields[2]) else {
                continue
            }
            events.append(Interaction(user: user, item: item, time: time))
        }
        return events
    }
}
