import Foundation
import StylecastProto

/// Amazon Fashion 5-core reviews (`fashion_5core.json.gz`), one JSON object per line: one
/// review interaction per line, preceded by an item the first time each asin appears.
///
/// The reviews carry no product metadata, so the item is what the reviews say honestly:
/// title "Amazon Fashion <asin>", colour from the first review's `style["Color:"]`, the other
/// style keys (e.g. size) in `extra`, and the first review's text as the description.
struct AmazonReviewsReader: LineProducer {
    private struct Review: Decodable {
        var reviewerID: String
        var asin: String
        var overall: Double
        var unixReviewTime: Int64
        var style: [String: String]?
        var reviewText: String?
        var summary: String?
    }

    let framer: RecordFramer
    private var seenAsins: Set<String> = []
    private let decoder = JSONDecoder()

    init(framer: RecordFramer) {
        self.framer = framer
    }

    mutating func append(_ text: String, line: UInt64, to entries: inout [DatasetEntry]) {
        let review: Review
        do {
            review = try decoder.decode(Review.self, from: Data(text.utf8))
        } catch {
            entries.append(
                Rejection.entry(index: line, field: "line", rule: "must be a review object: \(Self.describe(error))"))
            return
        }
        guard !review.asin.isEmpty, !review.reviewerID.isEmpty else {
            entries.append(
                Rejection.entry(
                    index: line, field: review.asin.isEmpty ? "asin" : "reviewerID", rule: "must not be empty"))
            return
        }
        guard (1...5).contains(review.overall) else {
            entries.append(
                Rejection.entry(
                    index: line, recordID: "amazon:" + review.asin, field: "overall", rule: "must be 1 to 5"))
            return
        }
        if seenAsins.insert(review.asin).inserted {
            entries.append(.record(.item(Self.item(review)), index: line))
        }
        var interaction = Stylecast_V1_Interaction()
        interaction.interactionID = "amazon:review:\(review.reviewerID):\(review.asin):\(review.unixReviewTime)"
        interaction.userID = "amazon:" + review.reviewerID
        interaction.itemID = "amazon:" + review.asin
        interaction.kind = "review"
        interaction.rating = Float(review.overall)
        interaction.timestamp = review.unixReviewTime
        interaction.quantity = 1
        interaction.source = "amazon"
        entries.append(.record(.interaction(interaction), index: line))
    }

    private static func item(_ review: Review) -> Stylecast_V1_FashionItem {
        var item = Stylecast_V1_FashionItem()
        item.itemID = "amazon:" + review.asin
        item.source = "amazon"
        item.sourceID = review.asin
        item.title = "Amazon Fashion \(review.asin)"
        item.description_p = review.reviewText ?? ""
        for (key, value) in review.style ?? [:] {
            let name = key.trimmingCharacters(in: CharacterSet(charactersIn: ": ")).lowercased()
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if name == "color" { item.color = trimmed } else { item.extra[name] = trimmed }
        }
        return item
    }

    /// The decoder's reason without Foundation's boilerplate.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing key \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted(let context): "malformed JSON: \(context.debugDescription)"
        default: "\(error)"
        }
    }
}
