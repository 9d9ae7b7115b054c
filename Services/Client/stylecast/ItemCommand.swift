import ArgumentParser
import Foundation
import StylecastClient
import StylecastGRPC
import StylecastProto
import SwiftProtobuf

/// `stylecast item ID...`: shows stored items (the ingest service's `GetItem`).
struct ItemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "item",
        abstract: "Show items as the ingest service stored them (normalised, with image features).",
        discussion: """
            Examples:
              stylecast item myntra:15970
              stylecast item fmnist:train-00000 --json
            An unknown id exits 1 with NOT_FOUND.
            """)

    @Option(help: "host:port of the ingest service.")
    var target = Endpoint.defaultEndpoint(of: .ingest)

    @Flag(help: "Print each item as proto3 JSON on one line (image bytes left out).")
    var json = false

    @Argument(help: "Item ids, \"<source>:<source_id>\".")
    var ids: [String]

    func run() async throws {
        let items = try await withStylecastConnection(to: target) { client in
            let ingest = Stylecast_V1_Ingest.Client(wrapping: client)
            var items: [Stylecast_V1_FashionItem] = []
            for id in ids { items.append(try await ingest.getItem(.with { $0.itemID = id })) }
            return items
        }
        for var item in items {
            let imageBytes = item.image.count
            item.image = Data()
            if json {
                var options = JSONEncodingOptions()
                options.preserveProtoFieldNames = true
                print(try item.jsonString(options: options))
                continue
            }
            var lines = ["\(item.itemID)  \(item.title)"]
            let fields = [
                ("category", item.category), ("color", item.color), ("fabric", item.fabric), ("season", item.season),
                ("gender", item.gender), ("brand", item.brand), ("release", item.releaseDate),
            ].filter { !$0.1.isEmpty }
            lines.append("  " + fields.map { "\($0)=\($1)" }.joined(separator: " "))
            if !item.description_p.isEmpty { lines.append("  \(item.description_p.prefix(160))") }
            if imageBytes > 0 {
                let features = item.imageFeatures
                let colors = features.dominantColors.map { "\($0.name) \($0.hex) \(Int(($0.share * 100).rounded()))%" }
                lines.append(
                    "  image \(imageBytes) bytes: \(features.predictedCategory) "
                        + String(format: "(p=%.2f)", features.categoryConfidence)
                        + (colors.isEmpty ? "" : "; colours " + colors.joined(separator: ", ")))
            }
            if !item.extra.isEmpty {
                lines.append("  " + item.extra.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            }
            print(lines.joined(separator: "\n"))
        }
    }
}

/// The items among `ids` that the ingest service knows; empty when it cannot be reached.
func knownItems(_ ids: some Collection<String>, ingest: Endpoint) async -> [String: Stylecast_V1_FashionItem] {
    guard !ids.isEmpty else { return [:] }
    return (try? await withStylecastConnection(to: ingest) { client in
        let service = Stylecast_V1_Ingest.Client(wrapping: client)
        var items: [String: Stylecast_V1_FashionItem] = [:]
        for id in ids { items[id] = try? await service.getItem(.with { $0.itemID = id }) }
        return items
    }) ?? [:]
}

extension Stylecast_V1_FashionItem {
    /// Title, category and colour, those known, joined with " · ".
    var displayName: String { [title, category, color].filter { !$0.isEmpty }.joined(separator: " · ") }
}
