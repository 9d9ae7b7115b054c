/// Which arguments of a command are keys: what a Redis Cluster client routes by.
///
/// Redis's own `COMMAND INFO` carries this; a table of the commands' shapes gives the same
/// answer without a round trip. Commands outside the table take their first argument as their
/// only key, which is right for every single-key command (`GET`, `HSET`, `XADD`, ...).
enum CommandKeys {
    /// Commands that name no key: a cluster may run them on any node.
    private static let keyless: Set<String> = [
        "ACL", "ASKING", "AUTH", "BGSAVE", "CLIENT", "CLUSTER", "COMMAND", "CONFIG", "DBSIZE", "DEBUG",
        "DISCARD", "ECHO", "EXEC", "FLUSHALL", "FLUSHDB", "FUNCTION", "HELLO", "INFO", "LASTSAVE",
        "LATENCY", "MULTI", "PING", "PUBLISH", "RANDOMKEY", "READONLY", "READWRITE", "ROLE", "SAVE", "SCAN",
        "SCRIPT", "SELECT", "SLOWLOG", "SUBSCRIBE", "TIME", "UNWATCH", "WAIT",
    ]
    /// Commands whose every argument is a key.
    private static let allKeys: Set<String> = [
        "DEL", "EXISTS", "MGET", "PFCOUNT", "SDIFF", "SDIFFSTORE", "SINTER", "SINTERSTORE", "SUNION",
        "SUNIONSTORE", "TOUCH", "UNLINK", "WATCH",
    ]
    /// Commands whose first two arguments are keys.
    private static let twoKeys: Set<String> = ["COPY", "LMOVE", "RENAME", "RENAMENX", "RPOPLPUSH", "SMOVE"]
    /// Commands whose key follows a subcommand (`XGROUP CREATE key ...`, `MEMORY USAGE key`).
    private static let keyAfterSubcommand: Set<String> = ["MEMORY", "OBJECT", "XGROUP", "XINFO"]

    /// The keys of `arguments` (a command and its arguments), in order; empty for a command that
    /// names none.
    /// - Parameter arguments: The command as sent.
    static func keys(of arguments: [RedisArgument]) -> [[UInt8]] {
        guard let first = arguments.first else { return [] }
        let name = first.description.uppercased()
        let rest = arguments.dropFirst()
        if keyless.contains(name) { return [] }
        if allKeys.contains(name) { return rest.map(\.bytes) }
        if twoKeys.contains(name) { return rest.prefix(2).map(\.bytes) }
        if keyAfterSubcommand.contains(name) { return arguments.dropFirst(2).prefix(1).map(\.bytes) }
        switch name {
        case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO":
            // script, numkeys, keys..., args...
            guard arguments.count > 2, let count = Int(arguments[2].description), count > 0 else { return [] }
            return arguments.dropFirst(3).prefix(count).map(\.bytes)
        case "XREAD", "XREADGROUP":
            // ... STREAMS key... id...: the first half after STREAMS are keys.
            guard let streams = arguments.firstIndex(where: { $0.description.uppercased() == "STREAMS" }) else {
                return []
            }
            let tail = arguments[(streams + 1)...]
            return tail.prefix(tail.count / 2).map(\.bytes)
        case "MSET", "MSETNX":
            return stride(from: 1, to: arguments.count, by: 2).map { arguments[$0].bytes }
        case "BLPOP", "BRPOP":
            return rest.dropLast().map(\.bytes)
        case "KEYS":
            // A pattern whose hash tag holds no wildcard matches keys of that tag's slot only:
            // it goes to that slot's node (Redis itself then scans that slot alone).
            guard let pattern = rest.first?.bytes else { return [] }
            let tag = RedisKey.hashedPart(of: pattern)
            let wildcards: Set<UInt8> = [UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "\\")]
            return tag.count < pattern.count && !tag.contains(where: wildcards.contains) ? [pattern] : []
        default:
            return rest.prefix(1).map(\.bytes)
        }
    }

    /// The hash slot every key of `arguments` maps to: `nil` for a keyless command.
    /// - Parameter arguments: The command as sent.
    /// - Throws: ``RedisError/crossSlot(command:keys:)`` when its keys map to different slots,
    ///   which Redis Cluster refuses (`CROSSSLOT`); checked before anything is sent.
    static func slot(of arguments: [RedisArgument]) throws(RedisError) -> Int? {
        let keys = keys(of: arguments)
        guard let first = keys.first else { return nil }
        let slot = RedisKey.hashSlot(of: first)
        if keys.dropFirst().contains(where: { RedisKey.hashSlot(of: $0) != slot }) {
            throw .crossSlot(
                command: arguments[0].description.uppercased(),
                keys: keys.map { String(decoding: $0, as: UTF8.self) })
        }
        return slot
    }
}
