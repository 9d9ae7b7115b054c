import Foundation
import StylecastProto
import SwiftProtobuf

/// Generic JSON lines: one object per line in the proto3 JSON mapping of `FashionItem`,
/// `Interaction` or `SearchInterestSeries` (field names as in the .proto or lowerCamelCase;
/// `image` as base64). A line with a `user_id` or `userId` key is an interaction, one with a
/// `term` key a search-interest series, any other an item. Unknown fields are rejected so typos
/// surface; blank lines are skipped. An empty `source` becomes "jsonl"; a series with an empty
/// `term` is rejected naming it.
struct JSONLinesReader: LineProducer {
    let framer: RecordFramer

    func append(_ text: String, line: UInt64, to entries: inout [DatasetEntry]) {
        entries.append(Self.entry(text, line: line))
    }

    private static func entry(_ text: String, line: UInt64) -> DatasetEntry {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            return Rejection.entry(index: line, field: "line", rule: "must be valid JSON: \(reason)")
        }
        guard let fields = object as? [String: Any] else {
            return Rejection.entry(index: line, field: "line", rule: "must be a JSON object")
        }
        do {
            if fields["term"] != nil {
                var series = try Stylecast_V1_SearchInterestSeries(jsonString: text)
                if series.source.isEmpty { series.source = "jsonl" }
                guard !series.term.allSatisfy(\.isWhitespace) else {
                    return Rejection.entry(index: line, field: "term", rule: "must not be empty")
                }
                return .record(.signal(series), index: line)
            }
            if fields["user_id"] != nil || fields["userId"] != nil {
                var interaction = try Stylecast_V1_Interaction(jsonString: text)
                if interaction.source.isEmpty { interaction.source = "jsonl" }
                return .record(.interaction(interaction), index: line)
            }
            var item = try Stylecast_V1_FashionItem(jsonString: text)
            if item.source.isEmpty { item.source = "jsonl" }
            return .record(.item(item), index: line)
        } catch {
            let id = (fields["item_id"] ?? fields["itemId"] ?? fields["interaction_id"] ?? fields["interactionId"] ?? fields["term"]) as? String
            let (field, rule) = describe(error)
            return Rejection.entry(index: line, recordID: id ?? "", field: field, rule: rule)
        }
    }

    /// The field and rule of a SwiftProtobuf JSON decoding error.
    private static func describe(_ error: any Error) -> (field: String, rule: String) {
        switch error {
        // An empty key names no field: the line is at fault (a rejection needs a field to name).
        case JSONDecodingError.unknownField(let name) where name.isEmpty: ("line", "\"\" is not a field name")
        case JSONDecodingError.unknownField(let name): (name, "unknown field (check the spelling)")
        case let error as JSONDecodingError: ("line", "must follow the proto3 JSON mapping: \(error)")
        default: ("line", "must follow the proto3 JSON mapping: \(error)")
        }
    }
}
