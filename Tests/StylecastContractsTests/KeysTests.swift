import StylecastContracts
import StylecastErrors
import StylecastRedis
import Testing

@Suite("Redis keys: one hash tag per unit of work")
struct KeysTests {
    @Test("each work stream, its dead letters and its id sets share the stream's tag")
    func streamsShareTheirTag() {
        for stream in WorkStream.allCases {
            #expect(stream.key == "stylecast:{\(stream.rawValue)}")
            #expect(RedisKey.hashTag(of: stream.deadLetterKey) == stream.rawValue)
        }
        #expect(RedisKey.shareHashSlot([WorkStream.itemsIngested.key, StylecastKeys.itemIDs, StylecastKeys.itemContent, StylecastKeys.itemsPending]))
        #expect(RedisKey.shareHashSlot([WorkStream.interactions.key, StylecastKeys.interactionIDs]))
        #expect(RedisKey.shareHashSlot([WorkStream.signals.key, StylecastKeys.signalIDs, StylecastKeys.signalsPending]))
        let marker = StylecastKeys.appliedMarkerPrefix(hashTag: WorkStream.itemsEmbedded.rawValue, scope: "text-embedding")
        #expect(RedisKey.shareHashSlot([marker + "1-0", WorkStream.itemsEmbedded.key]))
    }

    @Test("an item's body, embedding and attributes share the item's tag; other items do not")
    func itemKeysShareTheItemTag() {
        let keys = [StylecastKeys.item("hm:0108775015"), StylecastKeys.itemEmbedding("hm:0108775015"),
                    StylecastKeys.itemAttributes("hm:0108775015")]
        #expect(keys.allSatisfy { RedisKey.hashTag(of: $0) == "hm:0108775015" })
        #expect(!RedisKey.shareHashSlot([StylecastKeys.item("hm:1"), StylecastKeys.item("hm:2")]))
        #expect(RedisKey.hashTag(of: StylecastKeys.signal("gt:dress:US")) == "gt:dress:US")
        #expect(RedisKey.hashTag(of: StylecastKeys.textEmbedding(sha1: "ab12")) == "ab12")
    }

    @Test("with one partition every trend key is on the {trends} slot, as before partitions")
    func trendKeysOnOnePartition() {
        let keys = [
            StylecastKeys.Trends.sources, StylecastKeys.Trends.topics, StylecastKeys.Trends.products,
            StylecastKeys.Trends.totals(measure: "sales", source: "visuelle", market: "IT"),
            StylecastKeys.Trends.series(measure: "sales", source: "visuelle", market: "IT", kind: "colour", value: "red", partitions: .single),
            StylecastKeys.Trends.seriesCount(measure: "interest", source: "gt", market: "US", kind: "term", value: "x", partitions: .single),
            StylecastKeys.Trends.examples(market: "IT", kind: "category", value: "dress", partitions: .single),
            StylecastKeys.Trends.values(kind: "colour"), StylecastKeys.Trends.parkedPurchases(itemID: "shop:1"),
            StylecastKeys.appliedMarkerPrefix(hashTag: StylecastKeys.Trends.hashTag, scope: "items") + "1-0",
        ]
        #expect(keys.allSatisfy { RedisKey.hashTag(of: $0) == "trends" })
        #expect(StylecastKeys.Trends.all == "stylecast:{trends[}#]*")
        #expect(StylecastKeys.Trends.series(measure: "sales", source: "visuelle", market: "IT", kind: "colour", value: "red", partitions: .single)
            == "stylecast:{trends}:series:sales:visuelle:IT:colour:red")
    }

    @Test("with 8 partitions an attribute's keys share its partition's tag and the attributes spread over all 8")
    func trendKeysSpread() throws {
        let partitions = try StreamPartitions(count: 8)
        var tags = Set<String>()
        for value in (0..<200).map({ "value \($0)" }) {
            let partition = StylecastKeys.Trends.partition(kind: "colour", value: value, of: partitions)
            #expect(partition == partitions.partition(of: "colour:\(value)"))
            let keys = [
                StylecastKeys.Trends.series(measure: "sales", source: "s", market: "IT", kind: "colour", value: value, partitions: partitions),
                StylecastKeys.Trends.series(measure: "launches", source: "t", market: "US", kind: "colour", value: value, partitions: partitions),
                StylecastKeys.Trends.seriesCount(measure: "interest", source: "s", market: "IT", kind: "colour", value: value, partitions: partitions),
                StylecastKeys.Trends.examples(market: "IT", kind: "colour", value: value, partitions: partitions),
                StylecastKeys.Trends.topics(partition: partition),
                StylecastKeys.Trends.viewVersion(partition: partition),
            ]
            let tag = StylecastKeys.Trends.hashTag(partition: partition)
            #expect(keys.allSatisfy { RedisKey.hashTag(of: $0) == tag }, "\(keys)")
            tags.insert(tag)
        }
        #expect(tags == Set((0..<8).map { $0 == 0 ? "trends" : "trends#\($0)" }))
        // What is kept per source or kind stays on partition 0.
        #expect(RedisKey.hashTag(of: StylecastKeys.Trends.totals(measure: "sales", source: "s", market: "IT")) == "trends")
        #expect(RedisKey.hashTag(of: StylecastKeys.Trends.values(kind: "colour")) == "trends")
    }

    @Test("a user's cache and recent events share the user's tag and the prefix invalidations follow")
    func recommendationKeys() {
        let cache = StylecastKeys.Recommendation.cache(userID: "u1")
        #expect(cache == "stylecast:rec:{u1}")
        #expect(StylecastKeys.Recommendation.recent(userID: "u1") == "stylecast:rec:{u1}:recent")
        #expect(cache.hasPrefix(StylecastKeys.Recommendation.cachePrefix))
        #expect(RedisKey.shareHashSlot([
            StylecastKeys.Recommendation.model, StylecastKeys.Recommendation.modelVersion,
            StylecastKeys.Recommendation.refreshLock,
        ]))
    }

    @Test("an id with a brace, too many bytes or nothing is refused, naming the field and the limit")
    func identifiersKeepTheTagIntact() throws {
        #expect(KeyIdentifier.violation(of: "myntra:15970") == nil)
        #expect(KeyIdentifier.violation(of: "a}b") == "must not contain '{' or '}'")
        #expect(KeyIdentifier.violation(of: "{a") == "must not contain '{' or '}'")
        #expect(KeyIdentifier.violation(of: String(repeating: "x", count: 257)) == "must be at most 256 bytes, got 257")
        #expect(KeyIdentifier.violation(of: "", allowEmpty: true) == nil)
        #expect(throws: InvalidInput(field: "user_id", rule: "must not be empty")) {
            try KeyIdentifier.check("", field: "user_id")
        }
    }

    @Test("stream names parse from the key or the short name")
    func streamNames() {
        #expect(WorkStream(named: "stylecast:{items.embedded}") == .itemsEmbedded)
        #expect(WorkStream(named: "signals") == .signals)
        #expect(WorkStream(named: "stylecast:{signals}:dead") == nil)
        #expect(ConsumerGroup.allCases.flatMap(\.streams).count == 7)
    }
}
