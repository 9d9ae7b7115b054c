import ArgumentParser
import Foundation
import StylecastClient
import StylecastGRPC

/// `stylecast embed TEXT...`: embeds texts and extracts their fashion attributes through the
/// text-embedding service.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed texts with the text-embedding service and show their attributes.",
        discussion: """
            Prints one line per text: token count, the first embedding values, and the \
            attributes found (kind=value). With --json, one JSON object per line: {"index", \
            "token_count", "embedding", "attributes"}.
            """)

    @Option(help: "host:port of the text-embedding service.")
    var target = Endpoint.defaultEndpoint(of: .textEmbedding)

    @Flag(help: "One JSON object per line, with the whole embedding.")
    var json = false

    @Argument(help: "The texts (English, Chinese or mixed).")
    var texts: [String]

    func run() async throws {
        let (embedded, attributes) = try await withStylecastConnection(to: target) { client in
            let service = Stylecast_V1_TextEmbedding.Client(wrapping: client)
            let embedded = try await service.embed(.with { $0.texts = texts })
            let attributes = try await service.extractAttributes(.with { $0.texts = texts })
            return (embedded, attributes)
        }
        for (index, (embedding, found)) in zip(embedded.embeddings, attributes.results).enumerated() {
            let pairs = found.attributes.map { "\($0.kind)=\($0.value)" }
            if json {
                try printJSON([
                    "index": index, "token_count": Int(embedding.tokenCount),
                    "embedding": embedding.values.map(Double.init), "attributes": pairs,
                ])
            } else {
                let head = embedding.values.prefix(4).map { String(format: "%+.4f", $0) }.joined(separator: " ")
                print("\(index)\ttokens=\(embedding.tokenCount)\t[\(head) ...]\t\(pairs.joined(separator: " "))")
            }
        }
    }
}
