import StylecastContracts
import StylecastRedis
import Testing

@Suite("Stream partitions: keys, routing and the count's bounds")
struct StreamPartitionsTests {
    @Test("partition 0 is the stream's own key; others have a tag of their own, with their dead letters and id sets")
    func keys() throws {
        let partitions = try StreamPartitions(count: 4)
        #expect(WorkStream.signals.keys(partitions) == [
            "stylecast:{signals}", "stylecast:{signals#1}", "stylecast:{signals#2}", "stylecast:{signals#3}",
        ])
        #expect(WorkStream.itemsIngested.key(partition: 0) == WorkStream.itemsIngested.key)
        for partition in partitions.all {
            #expect(RedisKey.shareHashSlot([
                WorkStream.interactions.key(partition: partition), WorkStream.interactions.deadLetterKey(partition: partition),
                StylecastKeys.interactionIDs(partition: partition),
            ]))
            #expect(RedisKey.shareHashSlot([
                WorkStream.signals.key(partition: partition), StylecastKeys.signalIDs(partition: partition),
                StylecastKeys.signalsPending(partition: partition),
            ]))
            #expect(RedisKey.shareHashSlot([
                WorkStream.itemsIngested.key(partition: partition), StylecastKeys.itemsQueued(partition: partition),
            ]))
        }
        // The items' registry stays on partition 0's tag, whatever the count.
        #expect(RedisKey.shareHashSlot([WorkStream.itemsIngested.key, StylecastKeys.itemIDs, StylecastKeys.streamPartitionCount]))
        #expect(!RedisKey.shareHashSlot([WorkStream.itemsIngested.key(partition: 1), StylecastKeys.itemIDs]))
    }

    @Test("a key or short name reads back as its stream and partition; other names do not")
    func names() {
        #expect(WorkStream.partition(named: "stylecast:{items.embedded#3}")! == (.itemsEmbedded, 3))
        #expect(WorkStream.partition(named: "interactions#12")! == (.interactions, 12))
        #expect(WorkStream.partition(named: "stylecast:{signals}")! == (.signals, 0))
        #expect(WorkStream.partition(named: "signals")! == (.signals, 0))
        for bad in ["signals#0", "signals#-1", "signals#x", "signals#01", "nothing", "stylecast:{nothing#2}"] {
            #expect(WorkStream.partition(named: bad) == nil, "\(bad)")
        }
    }

    @Test("routing: FNV-1a of the id, stable values, every partition used, one partition for everything when the count is 1")
    func routing() throws {
        let four = try StreamPartitions(count: 4)
        // Fixed values, computed apart with Python (FNV-1a 64 of the UTF-8 bytes, modulo 4): a
        // change here would move records between the partitions of a running deployment.
        #expect(["hm:0108775015", "visuelle:1", "i-1", ""].map(four.partition(of:)) == [2, 3, 2, 1])
        var used = Set<Int>()
        for index in 0..<400 { used.insert(four.partition(of: "item-\(index)")) }
        #expect(used == Set(four.all))
        #expect(StreamPartitions.single.partition(of: "anything") == 0)
    }

    @Test("the count: 1 by default, 1 to 64 from the environment, anything else refused naming the variable and the bounds")
    func count() throws {
        #expect(try StreamPartitions(environment: [:]) == .single)
        #expect(try StreamPartitions(environment: ["STYLECAST_STREAM_PARTITIONS": "8"]).count == 8)
        for bad in ["0", "65", "-1", "two", "1.5"] {
            let error = #expect(throws: PartitionCountError.self) {
                try StreamPartitions(environment: ["STYLECAST_STREAM_PARTITIONS": bad])
            }
            #expect(error?.description == "STYLECAST_STREAM_PARTITIONS must be a whole number from 1 to 64, got '\(bad)'")
        }
    }
}
