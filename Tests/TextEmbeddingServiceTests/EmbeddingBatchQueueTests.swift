import Testing
import TextEmbeddingService

@Suite("The embedding batcher's line: order, budget, bound, cancellation, shutdown")
struct EmbeddingBatchQueueTests {
    typealias Queue = EmbeddingBatchQueue<String>

    static func enqueue(_ queue: inout Queue, _ name: String, tokens: Int) -> Int? {
        try? queue.enqueue(tokens: tokens, at: .now, payload: name).get()
    }

    @Test("a pass takes whole calls from the front while they fit the budget, and at least one")
    func passesTakeWholeCallsInOrder() {
        var queue = Queue(maxQueuedTokens: 1000)
        for (name, tokens) in [("a", 10), ("b", 20), ("c", 15), ("d", 400)] { _ = Self.enqueue(&queue, name, tokens: tokens) }
        #expect(queue.queuedTokens == 445)
        #expect(queue.takeBatch(tokenBudget: 30).map(\.payload) == ["a", "b"])
        #expect(queue.takeBatch(tokenBudget: 30).map(\.payload) == ["c"])
        // Larger than the budget: it runs, alone.
        #expect(queue.takeBatch(tokenBudget: 30).map(\.payload) == ["d"])
        #expect(queue.takeBatch(tokenBudget: 30).isEmpty && queue.queuedTokens == 0)
    }

    @Test("past the token bound a call is refused with the numbers; an empty line takes any call")
    func theLineIsBounded() {
        var queue = Queue(maxQueuedTokens: 100)
        #expect(Self.enqueue(&queue, "huge", tokens: 500) != nil)
        #expect(throws: EmbeddingQueueError.full(queuedTokens: 500, limit: 100)) {
            try queue.enqueue(tokens: 1, at: .now, payload: "more").get()
        }
        _ = queue.takeBatch(tokenBudget: 1000)
        #expect(Self.enqueue(&queue, "a", tokens: 90) != nil)
        #expect(throws: EmbeddingQueueError.full(queuedTokens: 90, limit: 100)) {
            try queue.enqueue(tokens: 20, at: .now, payload: "b").get()
        }
        #expect(Self.enqueue(&queue, "c", tokens: 10) != nil)
    }

    @Test("a call cancelled while it waits leaves the line and its tokens; one already taken stays")
    func cancelledCallsNeverReachAPass() throws {
        var queue = Queue(maxQueuedTokens: 1000)
        let a = try #require(Self.enqueue(&queue, "a", tokens: 10))
        let b = try #require(Self.enqueue(&queue, "b", tokens: 20))
        let c = try #require(Self.enqueue(&queue, "c", tokens: 30))
        #expect(queue.cancel(b) == "b")
        #expect(queue.queuedTokens == 40)
        #expect(queue.cancel(b) == nil)
        #expect(queue.takeBatch(tokenBudget: 1000).map(\.payload) == ["a", "c"])
        #expect(queue.cancel(a) == nil && queue.cancel(c) == nil)
    }

    @Test("after close new calls are refused as draining; drain hands back what waited")
    func closingDrains() {
        var queue = Queue(maxQueuedTokens: 1000)
        _ = Self.enqueue(&queue, "a", tokens: 10)
        queue.close()
        #expect(throws: EmbeddingQueueError.draining) { try queue.enqueue(tokens: 1, at: .now, payload: "b").get() }
        #expect(queue.takeBatch(tokenBudget: 100).map(\.payload) == ["a"])
        #expect(queue.jobs.isEmpty && queue.queuedTokens == 0)
        var other = Queue(maxQueuedTokens: 1000)
        _ = Self.enqueue(&other, "x", tokens: 5)
        #expect(other.drain().map(\.payload) == ["x"])
        #expect(other.isClosed && other.jobs.isEmpty && other.queuedTokens == 0)
    }
}
