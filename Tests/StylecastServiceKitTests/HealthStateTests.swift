import StylecastErrors
import StylecastServiceKit
import Testing

@Suite("Health state")
struct HealthStateTests {
    @Test("everything starts NOT_SERVING, unknown services have no status")
    func startsNotServing() {
        let state = HealthState(services: ["stylecast.v1.Ingest"])
        #expect(state.status(of: "") == .notServing)
        #expect(state.status(of: "stylecast.v1.Ingest") == .notServing)
        #expect(state.status(of: "stylecast.v1.Other") == nil)
        #expect(state.all.count == 2)
    }

    @Test("setAll changes the server and every service")
    func setAll() {
        let state = HealthState(services: ["a", "b"])
        state.setAll(.serving)
        #expect(state.all.values.allSatisfy { $0 == .serving })
        state.set(.notServing, for: "a")
        #expect(state.status(of: "a") == .notServing)
        #expect(state.status(of: "b") == .serving)
    }

    @Test("once draining, nothing turns a service SERVING again")
    func drainingLatches() {
        let state = HealthState(services: ["a"])
        state.setAll(.serving)
        state.beginDraining()
        #expect(state.isDraining)
        state.setAll(.serving)
        state.set(.serving, for: "a")
        #expect(state.all.values.allSatisfy { $0 == .notServing })
    }

    @Test("a watcher sees the current status, then each change, and ends on finish")
    func watch() async throws {
        let state = HealthState(services: ["a"])
        let stream = try state.watch("a")
        state.set(.serving, for: "a")
        state.set(.serving, for: "a")  // no change: not repeated
        state.set(.notServing, for: "a")
        state.finishWatchers()
        var seen: [HealthState.Status?] = []
        for await status in stream { seen.append(status) }
        #expect(seen == [.notServing, .serving, .notServing])
    }

    @Test("watching an unknown service yields nil (SERVICE_UNKNOWN)")
    func watchUnknown() async throws {
        let state = HealthState(services: [])
        var iterator = try state.watch("nope").makeAsyncIterator()
        let first = await iterator.next()
        #expect(first == .some(nil))
    }

    @Test("watch streams are bounded: one more than maxWatchers is refused (RESOURCE_EXHAUSTED), and a slot frees when a stream ends")
    func watchersBounded() async throws {
        let state = HealthState(services: ["a"], maxWatchers: 2)
        var first: AsyncStream<HealthState.Status?>? = try state.watch("a")
        let second = try state.watch("a")
        #expect(throws: HealthWatchersFull(limit: 2)) { try state.watch("a") }
        #expect(HealthWatchersFull(limit: 2).failureKind == .overLimit)
        #expect("\(HealthWatchersFull(limit: 2))".contains("STYLECAST_HEALTH_MAX_WATCHERS=2"))
        // Dropping a stream terminates it and frees its slot.
        #expect(first != nil)
        first = nil
        let third = try state.watch("a")
        _ = (second, third)
    }

    @Test("readiness conditions list what is still unmet")
    func conditions() {
        let conditions = ReadinessConditions(["model", "vocab"])
        #expect(conditions.unmet == ["model", "vocab"])
        conditions.satisfy("vocab")
        #expect(conditions.unmet == ["model"])
        conditions.satisfy("model")
        #expect(conditions.unmet.isEmpty)
    }
}
