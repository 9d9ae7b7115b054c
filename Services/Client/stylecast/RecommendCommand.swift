import ArgumentParser
import Foundation
import StylecastClient
import StylecastGRPC
import StylecastProto

/// `stylecast recommend`: recommendations for a customer or around an item.
struct RecommendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommendations for a customer, similar items, items that complete a look, or a retrain.",
        discussion: """
            Each item comes with the model or rule that put it there (als, cooccurrence, content, \
            popular, repurchase: docs/recommendation.md). Names and categories come from the \
            ingest service when it knows the item.

            Examples:
              stylecast recommend 0b0fd5b4... --k 5
              stylecast recommend 0b0fd5b4... --category dress --exclude hm:0706016001,hm:0372860001
              stylecast recommend --similar 0706016001
              stylecast recommend --look 0706016001 --json
              stylecast recommend --refresh
            """)

    @Option(help: "host:port of the recommendation service.")
    var target = Endpoint.defaultEndpoint(of: .recommendation)

    @Option(help: "host:port of the ingest service (for item names; unreachable = ids only).")
    var ingest = Endpoint.defaultEndpoint(of: .ingest)

    @Argument(help: "The customer id.")
    var user: String?

    @Option(help: "Items similar to this item instead.")
    var similar: String?

    @Option(help: "Items that complete the look of this item instead.")
    var look: String?

    @Flag(help: "Retrain the models from the interactions stored so far.")
    var refresh = false

    @Option(help: "Items to return.")
    var k: UInt32 = 10

    @Option(help: "Only items of these categories (comma-separated; request rules, docs/recommendation.md).")
    var category: String?

    @Option(help: "Never these items, e.g. the cart (comma-separated item ids).")
    var exclude: String?

    @Option(help: "Where the list is shown, e.g. product_page (the attribution counters' surface).")
    var surface = ""

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        let modes = [user != nil, similar != nil, look != nil, refresh].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give exactly one of: a customer id, --similar ITEM, --look ITEM, --refresh") }
    }

    func run() async throws {
        if refresh {
            let result = try await withStylecastConnection(to: target) { client in
                try await Stylecast_V1_Recommendation.Client(wrapping: client).refresh(.init())
            }
            if json {
                try printJSON([
                    "users": result.users, "items": result.items, "interactions": result.interactions,
                    "training_ms": result.trainingMs,
                ])
            } else {
                print(String(
                    format: "refreshed: %llu users, %llu items, %llu interactions in %.0f ms", result.users, result.items,
                    result.interactions, result.trainingMs))
            }
            return
        }
        var rules = Stylecast_V1_ListRules()
        if let category {
            rules.include = [.with { $0.attribute = "category"; $0.values = category.split(separator: ",").map(String.init) }]
        }
        if let exclude { rules.excludeItemIds = exclude.split(separator: ",").map(String.init) }
        let response = try await withStylecastConnection(to: target) { [rules, surface, k] client in
            let service = Stylecast_V1_Recommendation.Client(wrapping: client)
            if let similar {
                return try await service.similarItems(.with { $0.itemID = similar; $0.k = k; $0.rules = rules; $0.surface = surface })
            }
            if let look {
                return try await service.completeTheLook(.with { $0.itemID = look; $0.k = k; $0.rules = rules; $0.surface = surface })
            }
            return try await service.recommend(.with { $0.userID = user ?? ""; $0.k = k; $0.rules = rules; $0.surface = surface })
        }
        let items = await knownItems(response.items.map(\.itemID), ingest: ingest)
        if json {
            try printJSON([
                "items": response.items.map {
                    ["item_id": $0.itemID, "score": $0.score, "reason": $0.reason, "title": items[$0.itemID]?.displayName ?? ""] as [String: Any]
                },
                "from_cache": response.fromCache, "total_ms": response.timings.totalMs,
                "recommendation_id": response.recommendationID,
            ])
            return
        }
        for (rank, item) in response.items.enumerated() {
            print(String(format: "%2d. %@  %-12@ %.4f  %@", rank + 1, item.itemID, item.reason, item.score, items[item.itemID]?.displayName ?? ""))
        }
        if response.items.isEmpty { print("no items") }
        print(response.fromCache ? "(from the cache)" : String(format: "(computed in %.1f ms)", response.timings.totalMs))
    }
}
