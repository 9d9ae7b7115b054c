/// A Lua script for `EVAL`, with the SHA-1 that Redis names it by (`EVALSHA`).
///
/// Build scripts once (as `static let`s) and run them with
/// ``RedisClient/evaluate(_:keys:arguments:)``, which sends only the SHA-1 and falls back to the
/// full source when the server does not have the script cached (`NOSCRIPT`, e.g. after a
/// restart or `SCRIPT FLUSH`).
///
/// On Redis Cluster every key a script touches must be passed in `keys` and all of them must
/// hash to one slot: give them one hash tag, e.g. `stylecast:{items.ingested}:...`.
public struct RedisScript: Sendable, Hashable {
    /// The Lua source.
    public let source: String
    /// The lowercase hex SHA-1 of ``source``, as `SCRIPT LOAD` returns it.
    public let sha1: String

    /// Wraps a Lua source and computes its SHA-1.
    /// - Parameter source: The Lua code; `KEYS[i]` and `ARGV[i]` are the keys and arguments.
    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hexDigest(Array(source.utf8))
    }
}
