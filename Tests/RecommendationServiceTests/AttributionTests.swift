import Foundation
import Prometheus
@testable import RecommendationService
import StylecastContracts
import StylecastErrors
import Testing

@Suite("outcome tracking: recommendation ids and the attribution counters")
struct AttributionTests {
    @Test("an id carries the surface and each position's reason; a click is found by its item; foreign text reads as no id")
    func recommendationID() throws {
        let items: [(itemID: String, reason: RecommendationReason)] = [
            ("hm:0706016001", .als), ("hm:0372860001", .cooccurrence), ("hm:0610776002", .explore), ("hm:0759871002", .popular),
        ]
        let id = RecommendationID(surface: "product_page", items: items)
        let text = id.text
        #expect(text.utf8.allSatisfy { $0 == 45 || $0 == 95 || ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) })
        let read = try #require(RecommendationID(decoding: text))
        #expect(read == id)
        #expect(read.surface == "product_page")
        #expect(read.reason(of: "hm:0372860001") == .cooccurrence)
        #expect(read.reason(of: "hm:0610776002") == .explore)
        #expect(read.reason(of: "hm:0000000000") == nil)
        // Two lists with the same items get different ids (the nonce).
        #expect(id.text != text)
        #expect(RecommendationID(decoding: "") == nil)
        #expect(RecommendationID(decoding: "not-an-id") == nil)
        #expect(RecommendationID(decoding: String(text.dropLast(2))) == nil)
        // A list of 1,000 items: the first 100 positions, and an id of about 400 characters.
        let long = RecommendationID(surface: "newsletter", items: (0..<1000).map { ("amazon-seq:\($0)", .als) }).text
        #expect(long.count < 450)
        #expect(RecommendationID(decoding: long)?.positions.count == RecommendationID.maximumPositions)
    }

    @Test("the id's wire pieces stay as issued: FNV-1a fingerprints and base64url without padding, at every length")
    func wirePieces() {
        // Ids outlive a deployment (a click may come back to a newer replica): the fingerprint is
        // FNV-1a 32 folded to 16 bits. Published FNV-1a 32 values: "" 0x811c9dc5, "a" 0xe40c292c,
        // "foobar" 0xbf9cf968.
        #expect(RecommendationID.fingerprint("") == 0x811c ^ 0x9dc5)
        #expect(RecommendationID.fingerprint("a") == 0xe40c ^ 0x292c)
        #expect(RecommendationID.fingerprint("foobar") == 0xbf9c ^ 0xf968)
        // base64url of every length from 0 to 12 bytes (no padding, three remainders) equals
        // Foundation's base64 with '+' and '/' replaced and the padding dropped.
        for length in 0...12 {
            // 0xfb 0xff 0xbf is "+/+/" in base64: both replaced characters are exercised.
            let bytes = Array(([0xfb, 0xff, 0xbf] + (0..<12).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 13) }).prefix(length))
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(RecommendationID.base64URL(bytes) == expected, "length \(length)")
        }
    }

    @Test("surfaces: empty reads as unspecified; anything but 1-32 of a-z, 0-9, '_', '-' is refused naming surface")
    func surfaces() throws {
        #expect(try Surface.validated("") == "unspecified")
        #expect(try Surface.validated("cart_page-2") == "cart_page-2")
        for bad in ["Product Page", "x/y", String(repeating: "a", count: 33)] {
            #expect(throws: InvalidInput.self) { try Surface.validated(bad) }
            do { _ = try Surface.validated(bad) } catch { #expect(error.field == "surface") }
        }
    }

    @Test("impressions per reason and surface; clicks, carts and purchases per the reason of the item acted on; surfaces beyond 32 count as other")
    func counters() {
        let registry = PrometheusCollectorRegistry()
        let counters = AttributionCounters(metrics: registry)
        counters.countImpressions(of: [.als, .als, .popular], surface: "cart")
        counters.count(.click, reason: .als, surface: "cart")
        counters.count(.purchase, reason: .als, surface: "cart")
        for index in 0..<40 { counters.countImpressions(of: [.explore], surface: "s\(index)") }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        var values: [String: Double] = [:]
        for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where line.hasPrefix("stylecast_rec_attributed_total{") {
            let parts = line.split(separator: " ")
            values[String(parts[0])] = Double(parts[1])
        }
        func value(_ event: String, _ reason: String, _ surface: String) -> Double? {
            values.first { $0.key.contains("event=\"\(event)\"") && $0.key.contains("reason=\"\(reason)\"") && $0.key.contains("surface=\"\(surface)\"") }?.value
        }
        #expect(value("impression", "als", "cart") == 2)
        #expect(value("impression", "popular", "cart") == 1)
        #expect(value("click", "als", "cart") == 1)
        #expect(value("purchase", "als", "cart") == 1)
        #expect(value("impression", "explore", "s0") == 1)
        // 32 surfaces in all: "cart" and s0...s30; s31 to s39 count as other.
        #expect(value("impression", "explore", "s30") == 1)
        #expect(value("impression", "explore", "s31") == nil)
        #expect(value("impression", "explore", "other") == 9)
        #expect(AttributionCounters.Event(interactionKind: "view") == .click)
        #expect(AttributionCounters.Event(interactionKind: "review") == nil)
    }
}
