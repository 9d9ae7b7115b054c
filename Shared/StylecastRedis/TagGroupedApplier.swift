/// Applies the writes of one unit of work at most once when they span several hash tags, which
/// on Redis Cluster no single script may touch together.
///
/// The writes are grouped by the hash tag of their keys (every key of one write shares a tag),
/// and each group runs through an ``IdempotentApplier`` whose marker carries that tag: one Lua
/// script per tag, each applied once. Groups run in a fixed order, the `leading` tag's first and
/// then the others by tag, so a unit cut off between two groups (a worker killed, a failover)
/// applies only the groups still missing when it is applied again. Each group is atomic; the
/// unit as a whole is not: a reader may see some groups' writes before the others'.
public struct TagGroupedApplier: Sendable {
    /// The client scripts run through.
    public let client: RedisClient
    /// The tag whose group runs first (without braces).
    public let leading: String
    /// How long each marker is kept (``IdempotentApplier/markerLifetime``).
    public let markerLifetime: Duration?
    private let markerPrefix: @Sendable (String) -> String

    /// Creates an applier.
    /// - Parameters:
    ///   - client: The Redis client.
    ///   - leading: The tag whose writes run first, e.g. the one that records decisions later
    ///     writes depend on.
    ///   - markerLifetime: Marker expiry, or `nil` to keep markers (default 24 h).
    ///   - markerPrefix: What the markers under a tag start with; it must carry that tag, e.g.
    ///     `{ "app:{\($0)}:applied:counter:" }`.
    public init(
        client: RedisClient, leading: String, markerLifetime: Duration? = .seconds(86_400),
        markerPrefix: @escaping @Sendable (String) -> String
    ) {
        self.client = client
        self.leading = leading
        self.markerLifetime = markerLifetime
        self.markerPrefix = markerPrefix
    }

    /// The writes grouped by tag, in the order they are applied; each group keeps its writes'
    /// order.
    /// - Throws: ``RedisError/invalidArgument(_:)`` for a write without a key or whose keys
    ///   carry different tags or none, or for an increment that is not a finite number of at
    ///   most ``IdempotentApplier/maximumIncrement`` in absolute value.
    ///   Every increment is checked here as ``IdempotentApplier`` checks it, so that an entry it
    ///   would refuse is refused before any group runs, not half applied.
    public func groups(_ writes: [RedisWrite]) throws(RedisError) -> [(tag: String, writes: [RedisWrite])] {
        var byTag: [String: [RedisWrite]] = [:]
        for write in writes {
            try Self.checkIncrement(write)
            let tags = Set(write.keys.map { RedisKey.hashTag(of: $0) })
            guard tags.count == 1, let tag = tags.first ?? nil else {
                throw .invalidArgument("a write must touch keys of one hash tag, got \(write.keys)")
            }
            byTag[tag, default: []].append(write)
        }
        return byTag.keys.sorted { ($0 == leading ? 0 : 1, $0) < ($1 == leading ? 0 : 1, $1) }.map { ($0, byTag[$0]!) }
    }

    /// Runs each tag's writes unless they already ran for `entryID`.
    /// - Parameters:
    ///   - entryID: The ID of the unit of work, e.g. the stream entry ID.
    ///   - writes: The commands to run; within one tag in this order.
    /// - Returns: `true` if any group ran now, `false` if every group had already run.
    /// - Throws: As ``groups(_:)``, or as ``IdempotentApplier/apply(entryID:writes:)``; groups
    ///   applied before the failure stay applied.
    @discardableResult
    public func apply(entryID: String, writes: [RedisWrite]) async throws(RedisError) -> Bool {
        var applied = false
        for group in try groups(writes) where try await apply(entryID: entryID, group: group) { applied = true }
        return applied
    }

    /// Runs the writes of several units of work with one script per hash tag for the whole batch
    /// (``IdempotentApplier/apply(batch:shared:)``: each unit at most once, increments of one
    /// counter summed), the leading tag's first. A unit whose leading group had already run is
    /// left out of every group and returned, for the caller to handle on its own
    /// (``apply(entryID:group:)``), as a redelivery may need; a unit that had already run in
    /// another group only is left out of that group.
    /// - Parameters:
    ///   - batch: The units, in order.
    ///   - shared: Idempotent writes that run with the batch (with the units' group of their tag).
    /// - Returns: The IDs of the units whose leading group had already run.
    /// - Throws: As ``apply(entryID:writes:)``; the groups applied before a failure stay applied.
    public func apply(batch: [IdempotentApplier.EntryWrites], shared: [RedisWrite] = []) async throws(RedisError)
        -> Set<String>
    {
        var byTag: [String: [IdempotentApplier.EntryWrites]] = [:]
        for unit in batch {
            for group in try groups(unit.writes) {
                byTag[group.tag, default: []].append(IdempotentApplier.EntryWrites(entryID: unit.entryID, writes: group.writes))
            }
        }
        let sharedByTag = Dictionary(uniqueKeysWithValues: try groups(shared).map { ($0.tag, $0.writes) })
        let tags = Set(byTag.keys).union(sharedByTag.keys).sorted { ($0 == leading ? 0 : 1, $0) < ($1 == leading ? 0 : 1, $1) }
        var leftOut = Set<String>()
        for tag in tags {
            var units = (byTag[tag] ?? []).filter { !leftOut.contains($0.entryID) }
            // A tag with only shared writes: they run with the markers of every unit still in.
            if units.isEmpty {
                units = batch.filter { !leftOut.contains($0.entryID) }.map { .init(entryID: $0.entryID, writes: []) }
            }
            guard !units.isEmpty else { continue }
            let applier = IdempotentApplier(client: client, markerPrefix: markerPrefix(tag), markerLifetime: markerLifetime)
            let alreadyRan = try await applier.apply(batch: units, shared: sharedByTag[tag] ?? [])
            if tag == leading { leftOut = alreadyRan }
        }
        return leftOut
    }

    /// Runs one group of ``groups(_:)`` unless it already ran for `entryID`: for a caller that
    /// decides after the leading group whether the others run.
    /// - Returns: `true` if the group ran now, `false` if it had already run.
    @discardableResult
    public func apply(entryID: String, group: (tag: String, writes: [RedisWrite])) async throws(RedisError) -> Bool {
        try await IdempotentApplier(client: client, markerPrefix: markerPrefix(group.tag), markerLifetime: markerLifetime)
            .apply(entryID: entryID, writes: group.writes)
    }

    /// Where each increment command carries its amount (0 = the command's name).
    private static let incrementPositions = ["INCRBY": 2, "INCRBYFLOAT": 2, "HINCRBY": 3, "HINCRBYFLOAT": 3, "ZINCRBY": 2]

    private static func checkIncrement(_ write: RedisWrite) throws(RedisError) {
        guard case .argument(let name)? = write.parts.first,
            let position = incrementPositions[String(decoding: name.bytes, as: UTF8.self).uppercased()]
        else { return }
        let text = position < write.parts.count
            ? { if case .argument(let value) = write.parts[position] { String(decoding: value.bytes, as: UTF8.self) } else { "" } }()
            : ""
        guard let amount = Double(text), amount.isFinite, abs(amount) <= IdempotentApplier.maximumIncrement else {
            throw .invalidArgument(
                "\(String(decoding: name.bytes, as: UTF8.self)) increments by \(text), not a finite number of at most \(IdempotentApplier.maximumIncrement) in absolute value")
        }
    }

    /// The marker of `entryID`'s group under `tag`.
    public func markerKey(for entryID: String, tag: String) -> String { markerPrefix(tag) + entryID }
}
