import Foundation
import StylecastContracts
import Testing

@Suite("Stream entries and stored formats")
struct EntriesAndCodecsTests {
    static let interaction = InteractionEntry([
        .interactionID: "hm:t1", .userID: "u1", .itemID: "hm:0108775015", .kind: "purchase", .timestamp: "1537228800",
        .rating: "0.0", .quantity: "1.0", .price: "0.0508", .source: "hm", .sequence: "0",
    ])

    @Test("every entry reads back from its own fields, and a missing field reads as empty")
    func entriesRoundTrip() {
        func roundTrip<Schema>(_ entry: WorkStreamEntry<Schema>) -> WorkStreamEntry<Schema> {
            let fields = Dictionary(uniqueKeysWithValues: entry.fields.map { ($0.name, $0.value) })
            return WorkStreamEntry(fields: { fields[$0] })
        }
        let item = IngestedItemEntry([.itemID: "myntra:1", .source: "myntra", .title: "Red dress", .description: "cotton"])
        let signal = SignalEntry([
            .signalID: "gt:1", .source: "google-trends", .term: "floral dress", .geo: "US", .group: "dress", .points: "260",
        ])
        let embedded = EmbeddedItemEntry([.itemID: "myntra:1", .ingestedEntry: "1-0", .attributes: "[]", .tokenCount: "7"])
        #expect(roundTrip(item) == item)
        #expect(roundTrip(Self.interaction) == Self.interaction)
        #expect(roundTrip(signal) == signal)
        #expect(roundTrip(embedded) == embedded)
        let onlyTitle = IngestedItemEntry(fields: { $0 == "title" ? "only a title" : nil })
        #expect(onlyTitle == IngestedItemEntry([.title: "only a title"]))
        #expect(onlyTitle[.itemID] == "" && onlyTitle.orderedValues == ["", "", "only a title", ""])
    }

    @Test("the wire names of the fields, id first (the ingest scripts read the id at ARGV[b + 1])")
    func fieldNames() {
        #expect(IngestedItemEntry.Field.allCases.map(\.rawValue) == ["item_id", "source", "title", "description"])
        #expect(InteractionEntry.Field.allCases.map(\.rawValue) == [
            "interaction_id", "user_id", "item_id", "kind", "timestamp", "rating", "quantity", "price", "source", "sequence",
            "recommendation_id",
        ])
        #expect(SignalEntry.Field.allCases.map(\.rawValue) == ["signal_id", "source", "term", "geo", "group", "points"])
        #expect(EmbeddedItemEntry.Field.allCases.map(\.rawValue) == ["item_id", "ingested_entry", "attributes", "token_count"])
        #expect(Self.interaction.fields.first! == ("interaction_id", "hm:t1"))
    }

    @Test("the Lua XADD field list names each field beside its argument")
    func luaFieldArguments() {
        #expect(SignalEntry.luaFieldArguments(base: "b") == """
            'signal_id', ARGV[b + 1], 'source', ARGV[b + 2], 'term', ARGV[b + 3], 'geo', ARGV[b + 4], \
            'group', ARGV[b + 5], 'points', ARGV[b + 6]
            """)
    }

    @Test("embeddings: token count then float32, little-endian; malformed bytes decode to nil")
    func embeddingCodec() throws {
        let bytes = EmbeddingCodec.encode(tokenCount: 3, vector: [1, -2.5])
        #expect(bytes == [3, 0, 0, 0, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0])
        let decoded = try #require(EmbeddingCodec.decode(bytes))
        #expect(decoded.tokenCount == 3 && decoded.vector == [1, -2.5])
        let odd = Float(bitPattern: 0x7FC0_1234)
        #expect(EmbeddingCodec.decode(EmbeddingCodec.encode(tokenCount: 1, vector: [odd]))?.vector.first?.bitPattern == 0x7FC0_1234)
        #expect(EmbeddingCodec.decode([3, 0, 0, 0]) == nil)
        #expect(EmbeddingCodec.decode([3, 0, 0, 0, 1, 2]) == nil)
    }

    @Test("attributes: sorted-key JSON; malformed text or objects without kind and value are skipped")
    func attributesCodec() {
        let records = [ExtractedAttributeRecord(kind: "colour", value: "red", origin: "lexicon", confidence: 0.5)]
        let json = AttributesCodec.encode(records)
        #expect(json == #"[{"confidence":0.5,"kind":"colour","origin":"lexicon","value":"red"}]"#)
        #expect(AttributesCodec.decode(json) == records)
        #expect(AttributesCodec.decode("not json").isEmpty)
        #expect(AttributesCodec.decode(#"{"kind":"colour"}"#).isEmpty)
        #expect(AttributesCodec.decode(#"[{"kind":"colour"},{"kind":"pattern","value":"floral"}]"#)
            == [ExtractedAttributeRecord(kind: "pattern", value: "floral", origin: "", confidence: 0)])
    }
}

@Suite("Reasons and ports")
struct ReasonsAndPortsTests {
    /// The repository root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("common.proto documents exactly the reasons the service produces")
    func protoListsEveryReason() throws {
        let proto = try String(contentsOf: Self.root.appendingPathComponent("Protos/stylecast/v1/common.proto"), encoding: .utf8)
        let lines = proto.split(separator: "\n")
        let reasonLine = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "string reason = 3;" })
        var comment = ""
        var index = reasonLine - 1
        while index >= 0, lines[index].trimmingCharacters(in: .whitespaces).hasPrefix("//") {
            comment = lines[index] + "\n" + comment
            index -= 1
        }
        let quoted = Set(comment.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
        #expect(quoted == Set(RecommendationReason.allCases.map(\.rawValue)), "\(comment)")
    }

    @Test("the five services' default ports are 50051-50055 and 9101-9105, in order")
    func ports() {
        #expect(StylecastServiceName.allCases.map(\.defaultGRPCPort) == Array(50051...50055))
        #expect(StylecastServiceName.allCases.map(\.defaultMetricsPort) == Array(9101...9105))
        #expect(StylecastServiceName.trendAggregation.defaultTarget == "127.0.0.1:50055")
    }
}
