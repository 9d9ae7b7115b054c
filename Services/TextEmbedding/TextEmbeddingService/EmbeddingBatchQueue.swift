/// The waiting line of the embedding batcher, as a plain value: calls join in order, a pass takes
/// whole calls from the front up to a token budget, and a call cancelled while it waits leaves
/// the line at once, so it never reaches the encoder (as in text-embeddings-inference, whose
/// queue drops requests whose caller has gone). The line is bounded in tokens and closes for
/// shutdown. ``EmbeddingBatcher`` keeps one behind a lock.
package struct EmbeddingBatchQueue<Payload> {
    /// One waiting call.
    package struct Job {
        /// Its place in the line, for ``cancel(_:)``.
        package var id: Int
        /// Tokens over all its texts.
        package var tokens: Int
        /// When it joined.
        package var enqueued: ContinuousClock.Instant
        /// What the batcher needs to run and answer it.
        package var payload: Payload
    }

    /// Bound on the tokens waiting; a call that would pass it is refused, unless the line is
    /// empty (a call larger than the bound still runs, alone).
    package let maxQueuedTokens: Int
    package private(set) var jobs: [Job] = []
    package private(set) var queuedTokens = 0
    /// Set by ``close()``: no call joins any more.
    package private(set) var isClosed = false
    private var nextID = 0

    package init(maxQueuedTokens: Int) { self.maxQueuedTokens = maxQueuedTokens }

    /// Adds a call at the end of the line.
    /// - Returns: Its id, or why it was refused.
    package mutating func enqueue(tokens: Int, at time: ContinuousClock.Instant, payload: Payload) -> Result<Int, EmbeddingQueueError> {
        if isClosed { return .failure(.draining) }
        if queuedTokens > 0 && queuedTokens + tokens > maxQueuedTokens {
            return .failure(.full(queuedTokens: queuedTokens, limit: maxQueuedTokens))
        }
        nextID += 1
        jobs.append(Job(id: nextID, tokens: tokens, enqueued: time, payload: payload))
        queuedTokens += tokens
        return .success(nextID)
    }

    /// Takes a cancelled call out of the line.
    /// - Returns: Its payload, or `nil` when it has already left for a pass.
    package mutating func cancel(_ id: Int) -> Payload? {
        guard let index = jobs.firstIndex(where: { $0.id == id }) else { return nil }
        queuedTokens -= jobs[index].tokens
        return jobs.remove(at: index).payload
    }

    /// The calls of the next pass: whole calls from the front while they fit `tokenBudget`, and
    /// always at least the first.
    package mutating func takeBatch(tokenBudget: Int) -> [Job] {
        var count = 0
        var tokens = 0
        while count < jobs.count, count == 0 || tokens + jobs[count].tokens <= tokenBudget {
            tokens += jobs[count].tokens
            count += 1
        }
        queuedTokens -= tokens
        defer { jobs.removeFirst(count) }
        return Array(jobs.prefix(count))
    }

    /// Refuses new calls from now on.
    package mutating func close() { isClosed = true }

    /// Closes the line and empties it.
    /// - Returns: The calls that were waiting, to be failed.
    package mutating func drain() -> [Job] {
        isClosed = true
        queuedTokens = 0
        defer { jobs.removeAll() }
        return jobs
    }
}
