import Foundation
import StylecastModelFormat
import StylecastRecommender
import StylecastTensor

/// A ``RecommenderModel`` as one safetensors blob, so that a restarted or second replica loads
/// what another trained (stored in Redis by ``ModelStore``).
///
/// Tensors: `user_factors`, `item_factors` (F32, ALS), `neighbour_starts`, `neighbour_items`
/// (I64), `similarities` (F32) (co-occurrence), `history_starts`,
/// `history_items`, `history_seconds`, `history_purchase` (I64), `history_weights` (F32).
/// Metadata: `kind` = `stylecast-recommendation`, `version`, `watermark`, `now`,
/// `interactions`, `training_ms`, the ALS and repurchase parameters, and `users`, `items`,
/// `categories` as JSON lists of strings.
/// Popularity is not stored: it is recomputed from the histories on load.
package enum ModelCodec {
    static let kind = "stylecast-recommendation"

    private static func json(_ strings: [String]) -> String {
        // Encoding an array of strings cannot fail.
        String(decoding: try! JSONEncoder().encode(strings), as: UTF8.self)
    }

    /// The model's bytes.
    /// - Throws: ``RecommendationError/unreadableStoredModel(_:)`` when a tensor cannot be built.
    package static func encode(_ model: RecommenderModel) throws(RecommendationError) -> [UInt8] {
        var metadata = [
            "kind": kind, "version": String(model.version), "watermark": model.watermark, "now": String(model.now),
            "interactions": String(model.interactionCount), "training_ms": String(model.trainingMilliseconds),
            "users": json(model.users.identifiers), "items": json(model.items.identifiers),
            "categories": json(model.categories),
            "repurchase_window": String(model.repurchase?.window ?? 0),
        ]
        do {
            var writer = SafetensorsWriter()
            if let als = model.als {
                metadata["factors"] = String(als.configuration.factors)
                metadata["iterations"] = String(als.configuration.iterations)
                try writer.add(als.userFactors, named: "user_factors")
                try writer.add(als.itemFactors, named: "item_factors")
            }
            if let co = model.coOccurrence {
                try writer.add(int64Values: co.neighbourStarts.map { Int64($0) }, shape: [co.neighbourStarts.count], named: "neighbour_starts")
                try writer.add(int64Values: co.neighbourItems.map { Int64($0) }, shape: [co.neighbourItems.count], named: "neighbour_items")
                try writer.add(try Tensor(shape: [co.similarities.count], values: co.similarities), named: "similarities")
            }
            let events = Array(model.histories.joined())
            var starts: [Int64] = [0]
            for history in model.histories { starts.append(starts[starts.count - 1] + Int64(history.count)) }
            for (name, values) in [
                ("history_starts", starts), ("history_items", events.map { Int64($0.item) }),
                ("history_seconds", events.map { Int64(($0.day * 86_400).rounded()) }),
                ("history_purchase", events.map { $0.isPurchase ? 1 : 0 }),
            ] {
                try writer.add(int64Values: values, shape: [values.count], named: name)
            }
            try writer.add(try Tensor(shape: [events.count], values: events.map(\.weight)), named: "history_weights")
            writer.metadata = metadata
            return writer.serialized()
        } catch {
            throw .unreadableStoredModel("cannot encode: \(error)")
        }
    }

    /// Decodes bytes written by ``encode(_:)``.
    /// - Throws: ``RecommendationError/unreadableStoredModel(_:)`` naming what is wrong.
    package static func decode(_ bytes: [UInt8]) throws(RecommendationError) -> RecommenderModel {
        do {
            return try decodeChecked(bytes)
        } catch let error as RecommendationError {
            throw error
        } catch {
            throw .unreadableStoredModel("\(error)")
        }
    }

    private static func decodeChecked(_ bytes: [UInt8]) throws -> RecommenderModel {
        let file = try SafetensorsFile(bytes: bytes)
        let meta = file.metadata
        guard meta["kind"] == kind else { throw RecommendationError.unreadableStoredModel("kind must be \(kind)") }
        func value(_ key: String) throws -> String {
            guard let value = meta[key] else { throw RecommendationError.unreadableStoredModel("no metadata \(key)") }
            return value
        }
        func lines(_ key: String) throws -> [String] {
            try JSONDecoder().decode([String].self, from: Data(try value(key).utf8))
        }
        guard let version = UInt64(try value("version")), let now = Double(try value("now")),
            let interactions = Int(try value("interactions")), let trainingMilliseconds = Double(try value("training_ms")),
            let window = Double(try value("repurchase_window"))
        else { throw RecommendationError.unreadableStoredModel("bad numeric metadata") }
        let users = IdentifierIndex(try lines("users"))
        let items = IdentifierIndex(try lines("items"))
        var categories = try lines("categories")
        if categories.count != items.count { categories = Array(repeating: "", count: items.count) }
        guard items.count > 0 else { return .empty(version: version) }
        var als: ALSModel?
        if file.tensorNames.contains("user_factors"), let factors = Int(try value("factors")),
            let iterations = Int(try value("iterations"))
        {
            let userFactors = try file.tensor(named: "user_factors")
            let itemFactors = try file.tensor(named: "item_factors")
            als = try ALSModel(
                configuration: ALSConfiguration(factors: factors, iterations: iterations),
                userFactors: try Tensor(shape: userFactors.shape, values: userFactors.scalars),
                itemFactors: try Tensor(shape: itemFactors.shape, values: itemFactors.scalars))
        }
        var coOccurrence: CoOccurrenceModel?
        if file.tensorNames.contains("neighbour_starts") {
            coOccurrence = try CoOccurrenceModel(
                itemCount: items.count, configuration: RecommenderTrainer.coOccurrenceConfiguration,
                neighbourStarts: try file.int64Values(named: "neighbour_starts").map { Int($0) },
                neighbourItems: try file.int64Values(named: "neighbour_items").map { Int32($0) },
                similarities: try file.tensor(named: "similarities").scalars)
        }
        let starts = try file.int64Values(named: "history_starts").map { Int($0) }
        let historyItems = try file.int64Values(named: "history_items")
        let seconds = try file.int64Values(named: "history_seconds")
        let purchase = try file.int64Values(named: "history_purchase")
        let weights = try file.tensor(named: "history_weights").scalars
        guard starts.count == users.count + 1, starts.first == 0, starts.last == historyItems.count,
            seconds.count == historyItems.count, purchase.count == historyItems.count, weights.count == historyItems.count,
            zip(starts, starts.dropFirst()).allSatisfy({ $0 <= $1 }),
            historyItems.allSatisfy({ $0 >= 0 && $0 < Int64(items.count) })
        else { throw RecommendationError.unreadableStoredModel("inconsistent histories") }
        let histories = (0..<users.count).map { user in
            (starts[user]..<starts[user + 1]).map {
                UserEvent(
                    item: Int32(historyItems[$0]), day: Double(seconds[$0]) / 86_400, weight: weights[$0],
                    isPurchase: purchase[$0] != 0)
            }
        }
        return RecommenderModel(
            version: version, watermark: try value("watermark"), users: users, items: items, histories: histories,
            categories: categories, now: now, interactionCount: interactions, trainingMilliseconds: trainingMilliseconds,
            als: als, coOccurrence: coOccurrence,
            popularity: try RecommenderTrainer.popularity(histories: histories, itemCount: items.count, now: now),
            repurchase: try RepurchaseModel(itemCount: items.count, window: window), weights: BlendWeights())
    }
}
