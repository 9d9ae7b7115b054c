import Foundation
import StylecastContracts
import StylecastProto
import TrendAggregationService

/// The sections `stylecast report` adds to trend-aggregation's page: designs drawn from the
/// trends (images inline as data URIs, so the page stays one file) and customers'
/// recommendations with the reason for each item.
struct ReportExtras {
    /// A card of the report that gets a design: its market and attribute, and the prompt drawn.
    struct DesignSlot: Sendable, Equatable {
        var market: String
        var kind: String
        var value: String
        var prompt: String
    }

    /// The design drawn for a card.
    struct CardDesign: Sendable {
        var slot: DesignSlot
        var image: Stylecast_V1_GeneratedImage

        var fileName: String {
            let name = "\(slot.market)-\(slot.kind)-\(slot.value)".unicodeScalars.map {
                CharacterSet.alphanumerics.contains($0) ? Character($0) : "_"
            }
            return "card-" + String(name) + ".png"
        }
    }

    var designs: Stylecast_V1_GenerateResponse?
    var cardDesigns: [CardDesign] = []
    var recommendations: [(customer: String, response: Stylecast_V1_RecommendResponse)] = []
    var items: [String: Stylecast_V1_FashionItem] = [:]

    /// The cards of `json` (the report's JSON) marked `design_slot`, with their prompts: a
    /// category or search term as it is, any other attribute on the market's top riser category
    /// ("sage green coat"), or on a dress when no category rises there.
    static func designSlots(in json: String) throws -> [DesignSlot] {
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let markets = object["markets"] as? [[String: Any]]
        else { return [] }
        var slots: [DesignSlot] = []
        for market in markets {
            let risers = market["risers"] as? [[String: Any]] ?? []
            let category = risers.first { $0["kind"] as? String == "category" }?["value"] as? String ?? "dress"
            for card in risers where card["design_slot"] as? Bool == true {
                guard let kind = card["kind"] as? String, let value = card["value"] as? String,
                    let code = card["market"] as? String
                else { continue }
                let prompt = kind == "category" || kind == "term" ? value : "\(value) \(category)"
                slots.append(DesignSlot(market: code, kind: kind, value: value, prompt: prompt))
            }
        }
        return slots
    }

    /// The page with the card designs in their slots and the sections inserted before `</body>`.
    func inserted(into html: String) -> String {
        var html = html
        for design in cardDesigns {
            let slot = "<!--design-slot:\(Self.escape(design.slot.market)):\(Self.escape(design.slot.kind))=\(Self.escape(design.slot.value))-->"
            let figure = """
                <figure class="design card-design"><img alt="design: \(Self.escape(design.slot.prompt))" width="128" height="128" \
                src="data:image/png;base64,\(design.image.png.base64EncodedString())"><figcaption>Design from \
                "\(Self.escape(design.slot.prompt))": \(Self.escape(design.image.category)), \(Self.escape(design.image.pattern))</figcaption></figure>
                """
            html = html.replacingOccurrences(of: slot, with: figure)
        }
        var sections = ""
        if let designs {
            sections += "<section id=\"designs\"><h2>Designs from the trends</h2>"
            let used = designs.attributes.map { "\(Self.escape($0.kind)): \(Self.escape($0.value)) (\(Self.escape($0.origin)))" }
            sections += "<p class=\"meta\">Drawn by the style-based generator from the rising attributes: "
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
                    let name = items[item.itemID]?.displayName ?? ""
                    sections += """
                        <tr class="recommendation"><td>\(rank + 1)</td><td>\(Self.escape(name.isEmpty ? item.itemID : name))\
                        <br><small>\(Self.escape(item.itemID))</small></td>\
                        <td>\(Self.escape(item.reason)): \(Self.escape(RecommendationReason(rawValue: item.reason)?.explanation ?? ""))</td>\
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
        if !cardDesigns.isEmpty {
            object["card_designs"] = cardDesigns.map { design in
                [
                    "market": design.slot.market, "kind": design.slot.kind, "value": design.slot.value,
                    "prompt": design.slot.prompt, "file": "designs/\(design.fileName)", "category": design.image.category,
                    "pattern": design.image.pattern,
                ] as [String: Any]
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
        // Compact: the report of every market is large; `python3 -m json.tool` indents it.
        return try jsonText(object)
    }

    static func escape(_ text: String) -> String { ReportHTML.escape(text) }
}
