import StylecastRedis
import StylecastTestSupport
import Testing

@Suite("StreamStatus against a real Redis")
struct StreamStatusTests {
    @Test func readsLengthsGroupsAndProgress() async throws {
        let client = try await TestRedis.client()
        let tag = TestRedis.uniqueTag("status")
        let stream = "test:{\(tag)}:stream"
        let missing = "test:{\(tag)}:missing"
        var ids: [String] = []
        for number in 0..<5 {
            ids.append(try #require(try await client.send("XADD", RedisArgument(stream), "*", "n", RedisArgument("\(number)")).string))
        }
        _ = try await client.send("XGROUP", "CREATE", RedisArgument(stream), "slow", "0")
        _ = try await client.send("XGROUP", "CREATE", RedisArgument(stream), "done", "0")
        // "slow" reads 2 entries and acknowledges 1; "done" reads all 5 and acknowledges them.
        _ = try await client.send("XREADGROUP", "GROUP", "slow", "c", "COUNT", "2", "STREAMS", RedisArgument(stream), ">")
        _ = try await client.send("XACK", RedisArgument(stream), "slow", RedisArgument(ids[0]))
        _ = try await client.send("XREADGROUP", "GROUP", "done", "c", "COUNT", "10", "STREAMS", RedisArgument(stream), ">")
        _ = try await client.send(["XACK", RedisArgument(stream), "done"] + ids.map { RedisArgument($0) })

        let statuses = try await client.streamStatus([stream, missing])
        #expect(statuses.map(\.stream) == [stream, missing])
        let status = statuses[0]
        #expect(status.length == 5 && status.lastGeneratedID == ids[4])
        let slow = try #require(status.groups.first { $0.name == "slow" })
        let done = try #require(status.groups.first { $0.name == "done" })
        #expect(slow.entriesRead == 2 && slow.lag == 3 && slow.pending == 1 && slow.lastDeliveredID == ids[1])
        #expect(!status.hasReadAll(slow) && status.unread(slow) == 3 && status.entriesRead(slow) == 2)
        #expect(done.entriesRead == 5 && done.lag == 0 && done.pending == 0)
        #expect(status.hasReadAll(done) && status.unread(done) == 0)
        #expect(statuses[1] == StreamStatus(stream: missing, length: 0, lastGeneratedID: "0-0", groups: []))
    }

    @Test func withoutRedisCountsAGroupThatHasTheNewestEntryAsCaughtUp() {
        // After Redis reloads its append-only file it reports neither entries-read nor lag
        // until the group catches up; the last delivered id still tells.
        let caughtUp = ConsumerGroupStatus(name: "a", lastDeliveredID: "9-0", entriesRead: nil, lag: nil, pending: 0)
        let behind = ConsumerGroupStatus(name: "b", lastDeliveredID: "4-0", entriesRead: nil, lag: nil, pending: 2)
        let status = StreamStatus(stream: "s", length: 7, lastGeneratedID: "9-0", groups: [caughtUp, behind])
        #expect(status.entriesRead(caughtUp) == 7 && status.unread(caughtUp) == 0)
        #expect(status.entriesRead(behind) == 0 && status.unread(behind) == 7)
    }
}
