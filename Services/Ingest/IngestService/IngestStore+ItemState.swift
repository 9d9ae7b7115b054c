import StylecastContracts
import StylecastErrors
import StylecastProto
import StylecastRedis

extension IngestStore {
    /// What one update did.
    enum UpdateOutcome: Sendable, Equatable {
        /// It changed the item's state (published to the recommendation replicas).
        case changed
        /// The item already had that state.
        case unchanged
        /// No item with that id is stored.
        case unknownItem
    }

    /// How often an item's body is read again when it changed between the read and the write.
    static let stateWriteAttempts = 5

    /// Applies normalised updates to the stored items, in order (a later update of one item
    /// builds on the earlier ones), and publishes each changed item on ``ItemStateLog``.
    ///
    /// Per item: read its body, apply the updates, then one script on the body's slot writes the
    /// new body only if the stored one is still the one read (else it reads again), and marks the
    /// change pending (``ItemStateLog/pendingKey(_:)``). The ids of the items written, or found
    /// pending from an earlier call cut off before publishing, are then appended to the log and
    /// the marks cleared. So a change is published at least once: a retry of a call that failed
    /// after the write finds the mark and publishes it.
    /// - Returns: One outcome per update, in order.
    /// - Throws: A ``RedisError``; ``ItemUpdateConflict`` when an item kept changing meanwhile.
    func update(items updates: [Stylecast_V1_ItemUpdate]) async throws -> [UpdateOutcome] {
        var positions: [String: [Int]] = [:]
        for (index, update) in updates.enumerated() { positions[update.itemID, default: []].append(index) }
        var outcomes = [UpdateOutcome](repeating: .unknownItem, count: updates.count)
        var pending = Array(positions.keys)
        var publish: [String] = []
        for _ in 0..<Self.stateWriteAttempts where !pending.isEmpty {
            let bodies = try await redis.values(of: pending.map(StylecastKeys.item))
            var writes: [(itemID: String, old: [UInt8], new: [UInt8])] = []
            for (itemID, stored) in zip(pending, bodies) {
                guard let stored, let item = try? Stylecast_V1_FashionItem(serializedBytes: stored) else { continue }
                var state = item
                for index in positions[itemID] ?? [] {
                    let next = ItemUpdatePreparation.applying(updates[index], to: state)
                    outcomes[index] = next == state ? .unchanged : .changed
                    state = next
                }
                // Serialising a message decoded from Redis cannot fail.
                writes.append((itemID, stored, state == item ? stored : try! state.serializedBytes()))
            }
            let replies = try await redis.pipelineFailingOnError(writes.map { write in
                [
                    "EVAL", RedisArgument(Self.writeStateScript.source), "2", RedisArgument(StylecastKeys.item(write.itemID)),
                    RedisArgument(ItemStateLog.pendingKey(write.itemID)), RedisArgument(write.old), RedisArgument(write.new),
                ]
            })
            pending = []
            for (write, reply) in zip(writes, replies) {
                switch reply.integer {
                case 1: publish.append(write.itemID)
                case 2: pending.append(write.itemID)
                case 3: for index in positions[write.itemID] ?? [] { outcomes[index] = .unknownItem }
                default: break
                }
            }
        }
        guard pending.isEmpty else {
            throw ItemUpdateConflict(itemID: pending[0], attempts: Self.stateWriteAttempts)
        }
        guard !publish.isEmpty else { return outcomes }
        try await redis.pipelineFailingOnError(publish.map {
            [
                "XADD", RedisArgument(ItemStateLog.key), "MAXLEN", "~", RedisArgument(ItemStateLog.retainedEntries), "*",
                RedisArgument(ItemStateLog.itemIDField), RedisArgument($0),
            ]
        })
        try await redis.pipelineFailingOnError(publish.map { ["DEL", RedisArgument(ItemStateLog.pendingKey($0))] })
        return outcomes
    }

    /// Writes an item's new body if the stored one is still the one read. KEYS: the body, its
    /// pending mark. ARGV: the body read, the new body. Codes: 0 nothing to publish, 1 written or
    /// pending from before (publish), 2 changed since read (read again), 3 no such item.
    static let writeStateScript = RedisScript(
        """
        local stored = redis.call('GET', KEYS[1])
        if not stored then return 3 end
        if stored ~= ARGV[1] then return 2 end
        if ARGV[1] ~= ARGV[2] then
          redis.call('SET', KEYS[1], ARGV[2])
          redis.call('SET', KEYS[2], '1')
          return 1
        end
        return redis.call('EXISTS', KEYS[2])
        """)
}

/// `UpdateItems` of an item whose body other writers kept changing between read and write.
struct ItemUpdateConflict: StylecastError, Equatable {
    var itemID: String
    var attempts: Int
    var failureKind: FailureKind { .overLimit }
    var description: String {
        "updates: item \"\(itemID)\" changed \(attempts) times while being updated; send the updates again"
    }
}
