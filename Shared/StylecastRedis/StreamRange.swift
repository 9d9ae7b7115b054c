extension RedisClient {
    /// Up to `count` entries of `stream` after the entry `afterID` (from the start when `nil`),
    /// oldest first (`XRANGE` with an exclusive start). Their `deliveryCount` is 0: a range read
    /// delivers nothing.
    /// - Parameters:
    ///   - stream: The stream key.
    ///   - afterID: The last entry already read, or `nil`.
    ///   - count: Most entries returned, at least 1.
    /// - Throws: A ``RedisError``; `protocolError` for a reply that is not a list of entries.
    public func streamEntries(_ stream: String, after afterID: String? = nil, count: Int) async throws(RedisError)
        -> [WorkQueue.Entry]
    {
        let reply = try await send([
            "XRANGE", RedisArgument(stream), RedisArgument(afterID.map { "(" + $0 } ?? "-"), "+", "COUNT",
            RedisArgument(Swift.max(1, count)),
        ])
        if let message = reply.errorMessage { throw .server(message) }
        guard let entries = reply.array else { throw .protocolError("XRANGE answered \(reply)") }
        return try entries.map { entry throws(RedisError) in try WorkQueue.parseEntry(entry, deliveryCount: 0) }
    }

    /// Every entry of `stream`, oldest first, read `chunk` entries per round trip and turned
    /// into what the caller keeps as each chunk arrives (so a long stream is never held whole).
    /// - Parameters:
    ///   - stream: The stream key.
    ///   - chunk: Entries per `XRANGE` (default 10,000).
    ///   - transform: What to keep of an entry, or `nil` to skip it.
    /// - Throws: A ``RedisError``.
    public func allStreamEntries<Kept>(
        _ stream: String, chunk: Int = 10_000, keeping transform: (WorkQueue.Entry) -> Kept?
    ) async throws(RedisError) -> [Kept] {
        var kept: [Kept] = []
        var last: String?
        while true {
            let page = try await streamEntries(stream, after: last, count: chunk)
            kept += page.compactMap(transform)
            guard page.count >= chunk, let id = page.last?.id else { return kept }
            last = id
        }
    }

    /// The id of the newest entry of `stream` (`XREVRANGE ... COUNT 1`), `nil` when it has none.
    /// - Throws: A ``RedisError``.
    public func lastStreamEntryID(_ stream: String) async throws(RedisError) -> String? {
        let reply = try await send(["XREVRANGE", RedisArgument(stream), "+", "-", "COUNT", "1"])
        guard let entries = reply.array else { throw .protocolError("XREVRANGE answered \(reply)") }
        guard let newest = entries.first else { return nil }
        return try WorkQueue.parseEntry(newest, deliveryCount: 0).id
    }
}
