import Foundation
import StylecastProto

/// The sections `stylecast report` adds to trend-aggregation's page: designs drawn from the
/// trends (images inline as data URIs, so the page stays one file) and customers'
/// recommendations with the reason for each item.
struct ReportExtras {
    var designs: Stylecast_V1_GenerateResponse?
    var recommendations: [(customer: String, response: Stylecast_V1_RecommendResponse)] = []
    var items: [String: Stylecast_V1_FashionItem] = [:]

    /// What each recommendation reason means, for the page.
    static let reasonNotes = [
        "als": "people with similar purchases bought it (implicit ALS)",
        "cooccurrence": "often bought together with what this customer bought",
        "content": "close in description to what this customer bought",
        "popular": "popular in recent weeks",
        "repurchase": "bought again by this customer recently",
        "trend-boost": "its attributes are rising",
    ]

    /// The page with the sections inserted before `</body>`.
    func inserted(into html: String) -> String {
        var sections = ""
        if let designs {
            sections += "<section id=\"designs\"><h2>Designs from the trends</h2>"
            let used = designs.attributes.map { "\(Self.escape($0.kind)): \(Self.escape($0.value)) (\(Self.escape($0.origin)))" }
            sections += "<p class=\"meta\">Drawn by the style-based generator from the emerging and rising attributes: "
                + used.joined(separator: ", ") + ".</p><div class=\"designs\">"
            for image in designs.images {
                sections += """
                    <figure class="design" data-category="\(Self.escape(image.category))">\
                    <img alt="\(Self.escape(image.category))" width="192" height="192" src="data:image/png;base64,\(image.png.base64EncodedString())">\
                    <figcaption>\(Self.escape(image.category)), \(Self.escape(image.pattern)) \
                    \(image.palette.map { "<span class=\"chip\" style=\"background:\($0)\"></span>" }.joined()) seed \(image.seed)</figcaption></figure>
                    """
            }
            sections += "</div></section>"
        }
        if !recommendations.isEmpty {
            sections += "<section id=\"recommendations\"><h2>Recommendations</h2>"
            for (customer, response) in recommendations {
                sections += "<h3 class=\"customer\">Customer \(Self.escape(String(customer.prefix(16))))…</h3>"
                guard !response.items.isEmpty else {
                    sections += "<p>No items.</p>"
                    continue
                }
                sections += "<table><tr><th>#</th><th>item</th><th>why</th><th>score</th></tr>"
                for (rank, item) in response.items.enumerated() {
                    let known = items[item.itemID]
                    let name = known.map { [$0.title, $0.category, $0.color].filter { !$0.isEmpty }.joined(separator: " · ") } ?? ""
                    sections += """
                        <tr class="recommendation"><td>\(rank + 1)</td><td>\(Self.escape(name.isEmpty ? item.itemID : name))\
                        <br><small>\(Self.escape(item.itemID))</small></td>\
                        <td>\(Self.escape(item.reason)): \(Self.escape(Self.reasonNotes[item.reason] ?? ""))</td>\
                        <td>\(String(format: "%.3f", item.score))</td></tr>
                        """
                }
                sections += "</table>"
            }
            sections += "</section>"
        }
        guard !sections.isEmpty else { return html }
        let style = """
            <style>.designs { display: flex; flex-wrap: wrap; gap: 1em; } figure.design { margin: 0; }
            figure.design img { border: 1px solid #ddd; } figure.design figcaption { font-size: 0.8em; max-width: 192px; }
            .chip { display: inline-block; width: 0.9em; height: 0.9em; border: 1px solid #999; vertical-align: middle; }</style>
            """
        guard let end = html.range(of: "</body>", options: .backwards) else { return html + style + sections }
        return html.replacingCharacters(in: end, with: style + sections + "</body>")
    }

    /// The JSON report with `designs` (without the images, which are in `designs/`) and
    /// `recommendations` added.
    func merged(into json: String) throws -> String {
        guard var object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return json }
        if let designs {
            object["designs"] = designs.images.enumerated().map { index, image in
                [
                    "file": "designs/design-\(index + 1).png", "category": image.category, "pattern": image.pattern,
                    "palette": image.palette, "seed": image.seed,
                ] as [String: Any]
            }
            object["design_attributes"] = designs.attributes.map {
                ["kind": $0.kind, "value": $0.value, "origin": $0.origin] as [String: Any]
            }
        }
        if !recommendations.isEmpty {
            object["recommendations"] = recommendations.map { customer, response in
                [
                    "customer_id": customer,
                    "items": response.items.map { item in
                        [
                            "item_id": item.itemID, "reason": item.reason, "score": item.score,
                            "title": items[item.itemID]?.title ?? "", "category": items[item.itemID]?.category ?? "",
                        ] as [String: Any]
                    },
                ] as [String: Any]
            }
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
