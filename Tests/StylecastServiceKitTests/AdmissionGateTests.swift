import GRPCCore
import StylecastServiceKit
import Synchronization
import Testing

/// A latch a test opens by hand: calls holding a turn wait on it.
private final class Latch: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state in
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if open { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Values appended by concurrent tasks.
private final class Recorder: Sendable {
    private let values = Mutex<[Int]>([])

    func append(_ value: Int) { values.withLock { $0.append(value) } }
    var all: [Int] { values.withLock { $0 } }
}

/// Polls until `condition` holds (a task started elsewhere reached the gate), for at most 5 s.
private func eventually(_ condition: () -> Bool) async throws {
    for _ in 0..<500 where !condition() {
        try await Task.sleep(for: .milliseconds(10))
    }
    #expect(condition())
}

@Suite("AdmissionGate: bounded turns, a bounded line, refusals as RESOURCE_EXHAUSTED")
struct AdmissionGateTests {
    @Test func callsBeyondTheTurnsWaitAndCallsBeyondTheLineAreRefused() async throws {
        let gate = AdmissionGate(work: "drawing", maxRunning: 2, maxWaiting: 1, waitingVariable: "TEST_MAX_WAITING")
        let latch = Latch()
        let order = Recorder()
        let calls = (0..<3).map { number in
            Task {
                try await gate.withAdmission {
                    order.append(number)
                    await latch.wait()
                    return number
                }
            }
        }
        // Two run, the third waits: order holds two numbers and the gate shows one waiting.
        try await eventually { gate.load == (2, 1) }
        #expect(order.all.count == 2)
        // Tasks start in no fixed order: the waiting one is whichever has not run yet.
        let waiting = Set(0..<3).subtracting(order.all).first

        let refused = await #expect(throws: AdmissionRefused.self, "a fourth call is refused past a full line") {
            try await gate.withAdmission { 99 }
        }
        #expect(refused?.running == 2 && refused?.waiting == 1 && refused?.limit == 1)
        #expect(refused?.description == "overloaded: drawing has 2 calls running and 1 waiting, limit TEST_MAX_WAITING=1; retry later")
        #expect(refused.map { ErrorStatusTable.rpcError(for: $0).code } == .resourceExhausted)

        latch.open()
        var results: [Int] = []
        for call in calls { results.append(try await call.value) }
        #expect(results == [0, 1, 2])
        #expect(gate.load == (0, 0))
        // The waiting call ran after both first ones had started.
        #expect(order.all.count == 3 && order.all.last == waiting)
    }

    @Test func waitersAreAdmittedFirstComeFirstServed() async throws {
        let gate = AdmissionGate(work: "drawing", maxRunning: 1, maxWaiting: 10, waitingVariable: "TEST_MAX_WAITING")
        let latch = Latch()
        let order = Recorder()
        let first = Task { try await gate.withAdmission { await latch.wait() } }
        try await eventually { gate.load == (1, 0) }
        var waiters: [Task<Void, any Error>] = []
        for number in 1...5 {
            waiters.append(Task { try await gate.withAdmission { order.append(number) } })
            try await eventually { gate.load.waiting == number }
        }
        latch.open()
        try await first.value
        for waiter in waiters { try await waiter.value }
        #expect(order.all == [1, 2, 3, 4, 5])
        #expect(gate.load == (0, 0))
    }

    @Test func aCancelledWaiterLeavesTheLineWithoutRunning() async throws {
        let gate = AdmissionGate(work: "drawing", maxRunning: 1, maxWaiting: 1, waitingVariable: "TEST_MAX_WAITING")
        let latch = Latch()
        let ran = Recorder()
        let holder = Task { try await gate.withAdmission { await latch.wait() } }
        try await eventually { gate.load == (1, 0) }
        let waiter = Task { try await gate.withAdmission { ran.append(1) } }
        try await eventually { gate.load == (1, 1) }

        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(gate.load == (1, 0))
        // Its place in the line is free again.
        let next = Task { try await gate.withAdmission { 7 } }
        try await eventually { gate.load == (1, 1) }
        latch.open()
        try await holder.value
        #expect(try await next.value == 7)
        #expect(ran.all.isEmpty)
        #expect(gate.load == (0, 0))
    }

    @Test func aFailingCallGivesItsTurnBack() async throws {
        struct Failure: Error {}
        let gate = AdmissionGate(work: "drawing", maxRunning: 1, maxWaiting: 0, waitingVariable: "TEST_MAX_WAITING")
        await #expect(throws: Failure.self) { try await gate.withAdmission { throw Failure() } }
        #expect(gate.load == (0, 0))
        #expect(try await gate.withAdmission { 1 } == 1)
    }
}
