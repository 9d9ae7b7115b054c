import Foundation

/// One attribute text-embedding extracted from an item, as stored at
/// ``StylecastKeys/itemAttributes(_:)`` and carried by ``EmbeddedItemEntry/attributes``.
public struct ExtractedAttributeRecord: Codable, Sendable, Equatable {
    /// The attribute kind (`category`, `colour`, `pattern`, ...).
    public var kind: String
    /// The canonical value (`dress`, `sage green`, ...).
    public var value: String
    /// How it was found: `lexicon` or `zero-shot`.
    public var origin: String
    /// 0...1.
    public var confidence: Double

    /// Creates a record.
    public init(kind: String, value: String, origin: String, confidence: Double) {
        self.kind = kind
        self.value = value
        self.origin = origin
        self.confidence = confidence
    }
}

/// The attributes JSON: a list of ``ExtractedAttributeRecord`` objects with sorted keys.
public enum AttributesCodec {
    /// The JSON text of `records`.
    public static func encode(_ records: [ExtractedAttributeRecord]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain strings and finite numbers cannot fail; a non-finite confidence is
        // written as 0.
        let safe = records.map { record in
            var record = record
            if !record.confidence.isFinite { record.confidence = 0 }
            return record
        }
        return (try? encoder.encode(safe)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// The records of a JSON text; malformed JSON yields none, and an object without a string
    /// `kind` and `value` is skipped (`origin` and `confidence` default to `""` and 0).
    public static func decode(_ json: String) -> [ExtractedAttributeRecord] {
        guard let list = try? JSONDecoder().decode([LenientRecord].self, from: Data(json.utf8)) else { return [] }
        return list.compactMap { entry in
            guard let kind = entry.kind, let value = entry.value else { return nil }
            return ExtractedAttributeRecord(
                kind: kind, value: value, origin: entry.origin ?? "", confidence: entry.confidence ?? 0)
        }
    }

    private struct LenientRecord: Decodable {
        var kind: String?
        var value: String?
        var origin: String?
        var confidence: Double?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try? container.decodeIfPresent(String.self, forKey: .kind)
            value = try? container.decodeIfPresent(String.self, forKey: .value)
            origin = try? container.decodeIfPresent(String.self, forKey: .origin)
            confidence = try? container.decodeIfPresent(Double.self, forKey: .confidence)
        }

        enum CodingKeys: String, CodingKey { case kind, value, origin, confidence }
    }
}
