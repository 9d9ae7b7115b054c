/// Which primary of a Redis Cluster serves each hash slot: the client's slot map.
///
/// Read from `CLUSTER SHARDS` (Redis 7.0 and newer), whose reply lists each shard's slot ranges
/// and nodes with their role and health; a shard's primary is its `master` node that is
/// `online` (any `master` when none is). A `MOVED` redirect updates one slot in place
/// (``assign(slot:to:)``) until the next full read.
struct ClusterTopology: Sendable, Equatable {
    /// The primaries that own slots, in the order first seen.
    private(set) var primaries: [RedisURL.Node]
    /// The primaries that `CLUSTER SHARDS` reported not `online` (failed, or loading), still
    /// named for their slots because their shard has no other primary.
    private(set) var unhealthy: Set<RedisURL.Node> = []
    /// For each slot, its primary's index in ``primaries``, or -1 when no shard serves it.
    private var owners: [Int16]

    /// A map in which no slot is served yet.
    init() {
        primaries = []
        owners = Array(repeating: -1, count: RedisKey.slotCount)
    }

    /// The primary serving `slot`, or `nil` when none does (the cluster is incomplete).
    func primary(forSlot slot: Int) -> RedisURL.Node? {
        let owner = Int(owners[slot])
        return owner >= 0 ? primaries[owner] : nil
    }

    /// How many slots have a primary (16384 when the cluster covers every slot).
    var coveredSlots: Int { owners.lazy.filter { $0 >= 0 }.count }

    /// Records that `node` serves `slot` (after a `MOVED` redirect).
    mutating func assign(slot: Int, to node: RedisURL.Node) {
        owners[slot] = Int16(index(of: node))
    }

    private mutating func index(of node: RedisURL.Node) -> Int {
        if let known = primaries.firstIndex(of: node) { return known }
        primaries.append(node)
        return primaries.count - 1
    }

    /// Parses a `CLUSTER SHARDS` reply.
    /// - Parameter reply: The reply, as RESP2 arrays of name/value pairs.
    /// - Throws: ``RedisError/protocolError(_:)`` when it is not shaped like one.
    init(shards reply: RedisValue) throws(RedisError) {
        self.init()
        guard let shards = reply.array else { throw .protocolError("CLUSTER SHARDS answered \(reply)") }
        for shard in shards {
            guard let fields = shard.fieldMap, let ranges = fields["slots"]?.array,
                let nodes = fields["nodes"]?.array?.compactMap(\.fieldMap)
            else {
                throw .protocolError("a CLUSTER SHARDS entry lacks slots or nodes: \(shard)")
            }
            let masters = nodes.filter { $0["role"]?.string == "master" }
            let chosen = masters.first { $0["health"]?.string == "online" } ?? masters.first
            guard !ranges.isEmpty, let chosen else { continue }  // a shard without slots or primary
            guard let node = Self.address(of: chosen) else {
                throw .protocolError("a CLUSTER SHARDS node has no address: \(chosen)")
            }
            if chosen["health"]?.string != "online" { unhealthy.insert(node) }
            let owner = Int16(index(of: node))
            for pair in stride(from: 0, to: ranges.count - 1, by: 2) {
                guard let first = ranges[pair].integer, let last = ranges[pair + 1].integer,
                    0 <= first, first <= last, last < RedisKey.slotCount
                else {
                    throw .protocolError("a CLUSTER SHARDS slot range is malformed: \(ranges)")
                }
                for slot in Int(first)...Int(last) { owners[slot] = owner }
            }
        }
    }

    /// Where to reach a node of a `CLUSTER SHARDS` reply: its announced `endpoint` (a host name
    /// or IP), or its `ip` when the endpoint is unknown (`?`), and its `port`.
    private static func address(of node: [String: RedisValue]) -> RedisURL.Node? {
        guard let port = node["port"]?.integer else { return nil }
        let endpoint = node["endpoint"]?.string ?? ""
        let host = endpoint.isEmpty || endpoint == "?" ? node["ip"]?.string ?? "" : endpoint
        return host.isEmpty ? nil : RedisURL.Node(host: host, port: Int(port))
    }

    /// The target of a `MOVED` or `ASK` error reply (`MOVED 3999 127.0.0.1:6381`): its slot
    /// and node, or `nil` for any other reply. An empty host (`MOVED 3999 :6381`) means the
    /// node that answered, `answering`.
    static func redirect(in message: String, answering: RedisURL.Node) -> (slot: Int, node: RedisURL.Node)? {
        let words = message.split(separator: " ")
        guard words.count == 3, let slot = Int(words[1]), (0..<RedisKey.slotCount).contains(slot),
            let colon = words[2].lastIndex(of: ":"), let port = Int(words[2][words[2].index(after: colon)...])
        else { return nil }
        var host = String(words[2][..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (slot, RedisURL.Node(host: host.isEmpty ? answering.host : host, port: port))
    }
}
