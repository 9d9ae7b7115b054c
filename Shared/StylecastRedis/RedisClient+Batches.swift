extension RedisClient {
    /// The values of `keys` (`nil` where a key is missing or holds no bytes), fetched with
    /// pipelined `GET`s, `chunk` per round trip so that no reply grows without bound.
    /// - Parameters:
    ///   - keys: The keys, in order.
    ///   - chunk: Keys per pipeline (default 500).
    /// - Throws: A ``RedisError``.
    public func values(of keys: [String], chunk: Int = 500) async throws(RedisError) -> [[UInt8]?] {
        var values: [[UInt8]?] = []
        values.reserveCapacity(keys.count)
        for start in stride(from: 0, to: keys.count, by: Swift.max(1, chunk)) {
            let replies = try await pipeline(keys[start..<Swift.min(start + chunk, keys.count)].map { ["GET", RedisArgument($0)] })
            values += replies.map(\.bytes)
        }
        return values
    }

    /// Sends `commands` in one pipeline and fails with the first error reply among them (the
    /// commands before and after it have still run: a pipeline is not a transaction).
    /// - Throws: ``RedisError/server(_:)`` with the first error reply, or a connection error.
    @discardableResult
    public func pipelineFailingOnError(_ commands: [[RedisArgument]]) async throws(RedisError) -> [RedisValue] {
        let replies = try await pipeline(commands)
        if let message = replies.lazy.compactMap(\.errorMessage).first { throw .server(message) }
        return replies
    }
}
