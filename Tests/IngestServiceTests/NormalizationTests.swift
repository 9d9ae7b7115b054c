import Foundation
import StylecastProto
import Testing

@testable import IngestService

@Suite("ingest normalisation: text, dates and canonical vocabularies")
struct NormalizationTests {
    @Test("text: NFKC folds full-width and compatibility forms, controls go, white space collapses")
    func text() {
        #expect(TextNormalization.normalized("  Navy\tBlue \n Shirt ") == "Navy Blue Shirt")
        #expect(TextNormalization.normalized("ＮＥＯＮ　ｄｒｅｓｓ") == "NEON dress")
        #expect(TextNormalization.normalized("ﬁne\u{0007} print") == "fine print")
        #expect(TextNormalization.normalized("复杂的　几何图案") == "复杂的 几何图案")
        #expect(TextNormalization.normalized("bell\u{7F}e") == "belle")
        #expect(TextNormalization.normalized("") == "")
        #expect(TextNormalization.normalized(" \t\n") == "")
    }

    @Test("dates: accepted forms become the UTC day; impossible and implausible dates are refused")
    func dates() {
        #expect(IngestDate.utcDay("2019-03-04") == "2019-03-04")
        #expect(IngestDate.utcDay("2019/3/4") == "2019-03-04")
        #expect(IngestDate.utcDay("20190304") == "2019-03-04")
        #expect(IngestDate.utcDay("2019-03-04T23:30:00-02:00") == "2019-03-05")
        #expect(IngestDate.utcDay("2019-03-04T01:30:00+02:00") == "2019-03-03")
        #expect(IngestDate.utcDay("2019-03-04 10:00:00") == "2019-03-04")
        #expect(IngestDate.utcDay("1441324800") == "2015-09-04")
        #expect(IngestDate.utcDay("2020-02-29") == "2020-02-29")
        #expect(IngestDate.utcDay("2019-02-29") == nil)
        #expect(IngestDate.utcDay("2019-13-45") == nil)
        #expect(IngestDate.utcDay("1850-01-01") == nil)
        #expect(IngestDate.utcDay("next tuesday") == nil)
    }

    @Test("vocabulary: colours and categories through the lexicon, unknown terms kept lower-cased")
    func vocabulary() {
        let vocabulary = CanonicalVocabulary()
        #expect(vocabulary.color("Navy Blue") == "navy")
        #expect(vocabulary.color("荧光色") == "neon")
        #expect(vocabulary.color("Zxqv") == "zxqv")
        #expect(vocabulary.category("Tshirts") == "t-shirt")
        #expect(vocabulary.category("Jeans") == "jeans")
        #expect(vocabulary.category("牛仔裤") == "jeans")
        // The Fashion-MNIST class names, as the classifier reports them.
        #expect(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
                .map(vocabulary.category)
                == ["t-shirt", "trousers", "sweater", "dress", "coat", "sandals", "shirt", "sneakers", "bag", "boots"])
        #expect(vocabulary.gender("Ladieswear") == "women")
        #expect(vocabulary.gender("Men") == "men")
        #expect(vocabulary.gender("Divided") == "divided")
        #expect(vocabulary.season("Fall") == "fall")
        #expect(vocabulary.season("Autumn") == "fall")
        #expect(vocabulary.season("ss17") == "SS17")
    }
}

@Suite("ingest validation: the first broken rule names the field")
struct PreparationTests {
    let items = ItemPreparation(
        configuration: IngestConfiguration(
            batchSize: 256, maxTextBytes: 1024, maxImageBytes: 4096, maxReportedErrors: 10, imageFeatures: false),
        vocabulary: CanonicalVocabulary())

    func item(_ change: (inout Stylecast_V1_FashionItem) -> Void = { _ in }) -> Stylecast_V1_FashionItem {
        var item = Stylecast_V1_FashionItem.with {
            $0.source = "Shop"
            $0.sourceID = " 42 "
            $0.title = "Turtle  Check Men Navy Blue Shirt"
            $0.color = "Navy Blue"
            $0.category = "Shirts"
            $0.gender = "Male"
            $0.releaseDate = "2019-03-04T23:30:00-02:00"
        }
        change(&item)
        return item
    }

    /// The field a rejection names, `nil` for an accepted record.
    func field<Record>(_ result: Result<Record, RecordRejection>) -> String? {
        if case .failure(let rejection) = result { return rejection.field }
        return nil
    }

    @Test("a good item is normalised and given its id")
    func goodItem() throws {
        let prepared = try items.prepare(item()).get()
        #expect(prepared.itemID == "shop:42")
        #expect(prepared.title == "Turtle Check Men Navy Blue Shirt")
        #expect(prepared.color == "navy")
        #expect(prepared.extra["color_raw"] == "Navy Blue")
        #expect(prepared.category == "shirt")
        #expect(prepared.gender == "men")
        #expect(prepared.releaseDate == "2019-03-05")
    }

    @Test("each rule rejects naming its field")
    func rules() {
        #expect(field(items.prepare(item { $0.source = "my shop!" })) == "source")
        #expect(field(items.prepare(item { $0.sourceID = "  " })) == "source_id")
        #expect(field(items.prepare(item { $0.itemID = "other:42" })) == "item_id")
        #expect(field(items.prepare(item { $0.title = String(repeating: "x", count: 2000) })) == "title")
        #expect(field(items.prepare(item { $0.title = " "; $0.description_p = "" })) == "title")
        #expect(field(items.prepare(item { $0.price = .nan })) == "price")
        #expect(field(items.prepare(item { $0.price = -1 })) == "price")
        #expect(field(items.prepare(item { $0.releaseDate = "2019-13-45" })) == "release_date")
        #expect(field(items.prepare(item { $0.image = Data(count: 5000) })) == "image")
        #expect(field(items.prepare(item { for i in 0..<65 { $0.extra["k\(i)"] = "v" } })) == "extra")
        #expect(field(items.prepare(item { $0.itemID = "shop:42" })) == nil)
    }

    @Test("interactions: rules, defaults and a content id when none is given")
    func interactions() throws {
        let preparation = InteractionPreparation()
        let base = Stylecast_V1_Interaction.with {
            $0.source = "hm"
            $0.userID = "hm:u1"
            $0.itemID = "hm:0111565001"
            $0.kind = "Purchase"
            $0.timestamp = 1_600_000_000
        }
        let prepared = try preparation.prepare(base).get()
        #expect(prepared.kind == "purchase")
        #expect(prepared.quantity == 1)
        #expect(prepared.interactionID.hasPrefix("hm:sha1:"))
        #expect(try preparation.prepare(base).get().interactionID == prepared.interactionID)
        func field(_ change: (inout Stylecast_V1_Interaction) -> Void) -> String? {
            var interaction = base
            change(&interaction)
            return self.field(preparation.prepare(interaction))
        }
        #expect(field { $0.userID = "" } == "user_id")
        #expect(field { $0.kind = "like" } == "kind")
        #expect(field { $0.timestamp = -5 } == "timestamp")
        #expect(field { $0.timestamp = 4_000_000_000 } == "timestamp")
        #expect(field { $0.rating = 7 } == "rating")
        #expect(field { $0.rating = .infinity } == "rating")
        #expect(field { $0.quantity = -2 } == "quantity")
        #expect(field { $0.price = .nan } == "price")
        #expect(field { $0.rating = 4 } == nil)
        #expect(field { $0.recommendationID = "AQx0b3Bfc2VsbGVy.a-b_c" } == nil)
        #expect(field { $0.recommendationID = "has space" } == "recommendation_id")
        #expect(field { $0.recommendationID = String(repeating: "a", count: 1025) } == "recommendation_id")
    }

    @Test("item updates: the id is required, a price finite and not negative, at least one field set; applying sets only what is set")
    func itemUpdates() throws {
        let preparation = ItemUpdatePreparation()
        func field(_ update: Stylecast_V1_ItemUpdate) -> String? { self.field(preparation.prepare(update)) }
        #expect(field(.with { $0.itemID = "hm:1"; $0.outOfStock = false }) == nil)
        #expect(field(.with { $0.outOfStock = true }) == "item_id")
        #expect(field(.with { $0.itemID = "hm:{1}"; $0.hidden = true }) == "item_id")
        #expect(field(.with { $0.itemID = "hm:1"; $0.price = -1 }) == "price")
        #expect(field(.with { $0.itemID = "hm:1"; $0.price = .nan }) == "price")
        #expect(field(.with { $0.itemID = "hm:1" }) == "out_of_stock/price/hidden")
        let stored = item { $0.price = 30 }
        let updated = ItemUpdatePreparation.applying(.with { $0.itemID = stored.itemID; $0.hidden = true }, to: stored)
        #expect(updated.hidden && !updated.outOfStock && updated.price == 30 && updated.title == stored.title)
    }

    @Test("series: weeks become days and are sorted; a repeated week or a NaN is refused")
    func signals() throws {
        let preparation = SignalPreparation()
        let series = Stylecast_V1_SearchInterestSeries.with {
            $0.source = "gtrends"
            $0.term = " Dress "
            $0.geo = "us"
            $0.points = [
                .with { $0.week = "2017-04-30"; $0.value = 71 }, .with { $0.week = "2017-04-23"; $0.value = 63 },
            ]
        }
        let prepared = try preparation.prepare(series).get()
        #expect(prepared.points.map(\.week) == ["2017-04-23", "2017-04-30"])
        #expect(prepared.term == "dress" && prepared.geo == "US")
        #expect(SignalPreparation.signalID(prepared) == "gtrends:US::dress")
        var repeated = series
        repeated.points[1].week = "2017-04-30"
        #expect(field(preparation.prepare(repeated)) == "points[1].week", "a repeated week was accepted")
        var broken = series
        broken.points[0].value = .nan
        #expect(field(preparation.prepare(broken)) == "points[0].value", "a NaN value was accepted")
    }

    @Test("content fingerprint: ids do not count, every other field does")
    func fingerprint() throws {
        let a = try items.prepare(item()).get()
        var b = a
        b.itemID = "shop:43"
        b.sourceID = "43"
        #expect(ContentFingerprint.of(a) == ContentFingerprint.of(b))
        b.title += " XL"
        #expect(ContentFingerprint.of(a) != ContentFingerprint.of(b))
    }
}
