import Foundation
import StylecastDatasets
import Testing

/// The generic JSON-lines format of docs/ingest-formats.md.
@Suite("JSON lines")
struct JSONLinesTests {
    static let item = #"{"item_id":"shop:1","title":"Neon geometric dress","category":"dress","color":"neon green","price":49.9,"extra":{"sku":"A1"},"image":"iVBORw0KGgo="}"#
    static let interaction = #"{"userId":"shop:u7","itemId":"shop:1","kind":"purchase","timestamp":"1700000000","quantity":2,"price":49.9}"#

    @Test func itemsAndInteractionsAreTellApartByTheUserKey() throws {
        let text = [Self.item, "", "   ", Self.interaction].joined(separator: "\n") + "\n"
        let path = try BadInputTests.file("shop.jsonl", Array(text.utf8))
        let result = try ReadResult(source: .jsonl, path: path)
        #expect(result.rejections.isEmpty)
        let item = try #require(result.items.first)
        #expect(item.0 == 1)
        #expect(item.2.itemID == "shop:1")
        #expect(item.2.source == "jsonl")
        #expect(item.2.price == 49.9)
        #expect(item.2.extra == ["sku": "A1"])
        #expect(Array(item.2.image) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let interaction = try #require(result.interactions.first)
        #expect(interaction.0 == 4)
        #expect(interaction.1.userID == "shop:u7")
        #expect(interaction.1.timestamp == 1_700_000_000)
        #expect(interaction.1.quantity == 2)
    }

    @Test func malformedJSONIsRejectedAtItsLine() throws {
        let text = Self.item + "\n{\"title\": \"broken\",\n" + Self.interaction + "\n"
        let result = try ReadResult(source: .jsonl, path: try BadInputTests.file("shop.jsonl.gz", Array(text.utf8)))
        #expect(result.items.count == 1)
        #expect(result.interactions.count == 1)
        let rejection = try #require(result.rejections.first)
        #expect(rejection.index == 2)
        #expect(rejection.field == "line")
        #expect(rejection.rule.hasPrefix("must be valid JSON"))
        #expect(rejection.message.hasPrefix("line 2: line: must be valid JSON"))
    }

    @Test func anUnknownFieldIsRejectedByName() throws {
        let text = #"{"item_id":"shop:2","titel":"typo"}"# + "\n"
        let result = try ReadResult(source: .jsonl, path: try BadInputTests.file("shop.jsonl", Array(text.utf8)))
        #expect(result.items.isEmpty)
        let rejection = try #require(result.rejections.first)
        #expect(rejection.index == 1)
        #expect(rejection.recordID == "shop:2")
        #expect(rejection.field == "titel")
        #expect(rejection.rule.contains("unknown field"))
    }

    @Test func anEmptyKeyIsRejectedAsAFaultOfTheLine() throws {
        let text = #"{"source":"shop","source_id":"2","":"x"}"# + "\n"
        let result = try ReadResult(source: .jsonl, path: try BadInputTests.file("shop.jsonl", Array(text.utf8)))
        #expect(result.items.isEmpty)
        let rejection = try #require(result.rejections.first)
        #expect(rejection.field == "line")
        #expect(rejection.rule == #""" is not a field name"#)
        #expect(rejection.message == #"line 1: line: "" is not a field name"#)
    }

    @Test("a line with a term key is a search-interest series; an empty term is rejected naming the field")
    func searchSeriesLines() throws {
        let text = [
            #"{"source":"shop","term":"Sage Green","geo":"US","points":[{"week":"2024-01-01","value":21},{"week":"2024-01-08","value":24.5}]}"#,
            #"{"term":"  ","points":[{"week":"2024-01-01","value":1}]}"#,
            #"{"term":"linen","pionts":[]}"#,
            #"{"term":"linen","points":[{"week":"2024-01-01","value":3}]}"#,
        ].joined(separator: "\n") + "\n"
        let result = try ReadResult(source: .jsonl, path: try BadInputTests.file("search.jsonl", Array(text.utf8)))
        #expect(result.items.isEmpty && result.interactions.isEmpty)
        #expect(result.signals.map(\.0) == [1, 4])
        let series = try #require(result.signals.first?.2)
        #expect(series.source == "shop" && series.term == "Sage Green" && series.geo == "US")
        #expect(series.points.map(\.value) == [21, 24.5] && series.points.first?.week == "2024-01-01")
        #expect(result.signals.last?.2.source == "jsonl")
        #expect(result.rejections.map(\.field) == ["term", "pionts"])
        #expect(result.rejections.map(\.index) == [2, 3])
    }
}
