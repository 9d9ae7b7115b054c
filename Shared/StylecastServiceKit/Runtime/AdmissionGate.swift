import StylecastErrors
import Synchronization

/// Bounds how many calls of one kind do their heavy work at once, and how many may wait for
/// a turn; a call beyond both is refused with ``AdmissionRefused`` (RESOURCE_EXHAUSTED) at
/// once instead of piling up in memory.
///
/// Waiting calls are admitted first come, first served. A waiting call that is cancelled (its
/// client gave up or its deadline passed) leaves the line without running.
public final class AdmissionGate: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var running = 0
        var waiting: [Waiter] = []
        var nextID: UInt64 = 0
    }

    /// What the gate guards, for messages (`"image rendering"`).
    public let work: String
    /// Most calls running at once.
    public let maxRunning: Int
    /// Most calls waiting for a turn; more are refused.
    public let maxWaiting: Int
    /// The environment variable that sets ``maxWaiting``, named in refusals.
    public let waitingVariable: String
    private let state = Mutex(State())

    /// Creates a gate.
    /// - Parameters:
    ///   - work: What it guards, for messages.
    ///   - maxRunning: Most calls running at once (at least 1).
    ///   - maxWaiting: Most calls waiting (0: refuse whenever all turns are taken).
    ///   - waitingVariable: The setting behind `maxWaiting`, named when a call is refused.
    public init(work: String, maxRunning: Int, maxWaiting: Int, waitingVariable: String) {
        precondition(maxRunning >= 1 && maxWaiting >= 0, "AdmissionGate needs maxRunning >= 1 and maxWaiting >= 0")
        self.work = work
        self.maxRunning = maxRunning
        self.maxWaiting = maxWaiting
        self.waitingVariable = waitingVariable
    }

    /// Calls running and waiting now.
    public var load: (running: Int, waiting: Int) {
        state.withLock { ($0.running, $0.waiting.count) }
    }

    /// Runs `body` once a turn is free.
    /// - Throws: ``AdmissionRefused`` when every turn is taken and the line is full,
    ///   `CancellationError` when the task is cancelled while it waits, or what `body` throws.
    public func withAdmission<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        try await admit()
        defer { release() }
        return try await body()
    }

    private func admit() async throws {
        enum Decision { case run, wait(UInt64), refuse(Int) }
        let decision: Decision = state.withLock { state in
            if state.running < maxRunning && state.waiting.isEmpty {
                state.running += 1
                return .run
            }
            guard state.waiting.count < maxWaiting else { return .refuse(state.waiting.count) }
            state.nextID += 1
            return .wait(state.nextID)
        }
        switch decision {
        case .run:
            return
        case .refuse(let waiting):
            throw AdmissionRefused(work: work, running: maxRunning, waiting: waiting, limit: maxWaiting, setting: waitingVariable)
        case .wait(let id):
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let cancelled = state.withLock { state in
                        // The cancellation handler may have run before the waiter was queued.
                        if Task.isCancelled { return true }
                        state.waiting.append(Waiter(id: id, continuation: continuation))
                        return false
                    }
                    if cancelled { continuation.resume(throwing: CancellationError()) }
                }
            } onCancel: {
                let waiter = state.withLock { state -> Waiter? in
                    guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiting.remove(at: index)
                }
                waiter?.continuation.resume(throwing: CancellationError())
            }
        }
    }

    /// Hands the finished call's turn to the first waiter, if any.
    private func release() {
        let next = state.withLock { state -> Waiter? in
            guard !state.waiting.isEmpty else {
                state.running -= 1
                return nil
            }
            // The turn passes on: `running` stays the same.
            return state.waiting.removeFirst()
        }
        next?.continuation.resume()
    }
}

/// A call refused because every turn of an ``AdmissionGate`` was taken and its line was full.
public struct AdmissionRefused: StylecastError, Equatable {
    /// What the gate guards.
    public var work: String
    /// Calls running.
    public var running: Int
    /// Calls waiting.
    public var waiting: Int
    /// Most calls that may wait.
    public var limit: Int
    /// The environment variable that sets `limit`.
    public var setting: String

    public var failureKind: FailureKind { .overLimit }

    public var description: String {
        "overloaded: \(work) has \(running) calls running and \(waiting) waiting, limit \(setting)=\(limit); retry later"
    }
}
