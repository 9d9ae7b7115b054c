/// Helpers for the key layout that keeps multi-key operations on one Redis Cluster slot.
///
/// Redis Cluster hashes only the part of a key between the first `{` and the next `}` (the
/// hash tag) when that part is non-empty, so keys sharing a tag share a slot. Every key this
/// library builds itself carries the tag of a key the caller gave it, and multi-key scripts
/// check that their keys hash alike. Layout used in Stylecast (keys are chosen by callers):
/// - stream `stylecast:{items.ingested}` and its dead letters `stylecast:{items.ingested}:dead`
/// - idempotency markers `stylecast:{items.ingested}:applied:<scope>:<entry id>` (see
///   ``IdempotentApplier``), next to the data the consumer writes under the same tag.
public enum RedisKey {
    /// The bytes of `key` that Redis Cluster hashes: those between the first `{` and the next
    /// `}` when there are any, else the whole key (the cluster specification, "Hash tags").
    /// - Parameter key: A key's bytes.
    public static func hashedPart(of key: [UInt8]) -> ArraySlice<UInt8> {
        if let open = key.firstIndex(of: UInt8(ascii: "{")),
            let close = key[(open + 1)...].firstIndex(of: UInt8(ascii: "}")), close > open + 1
        {
            return key[(open + 1)..<close]
        }
        return key[...]
    }

    /// The hash tag of `key` (without braces), or `nil` when it has none.
    /// - Parameter key: A key.
    public static func hashTag(of key: String) -> String? {
        let bytes = Array(key.utf8)
        let hashed = hashedPart(of: bytes)
        return hashed.count == bytes.count ? nil : String(decoding: hashed, as: UTF8.self)
    }

    /// How many hash slots a Redis Cluster has.
    public static let slotCount = 16_384

    /// The Redis Cluster hash slot of a key: CRC16 (XMODEM) of its hash tag's bytes, or of the
    /// whole key when it has no non-empty tag, modulo ``slotCount`` (the cluster specification,
    /// "Key distribution model").
    /// - Parameter key: A key's bytes.
    public static func hashSlot(of key: [UInt8]) -> Int {
        var crc: UInt16 = 0
        for byte in hashedPart(of: key) {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        return Int(crc) % slotCount
    }

    /// The Redis Cluster hash slot of `key`, hashed on its UTF-8 bytes as Redis does.
    /// - Parameter key: A key.
    public static func hashSlot(of key: String) -> Int { hashSlot(of: Array(key.utf8)) }

    /// Whether all keys hash to the same Redis Cluster slot, so that one script or transaction
    /// may touch them together.
    /// - Parameter keys: The keys one script or transaction touches.
    public static func shareHashSlot(_ keys: [String]) -> Bool {
        guard let first = keys.first else { return true }
        let slot = hashSlot(of: first)
        return keys.dropFirst().allSatisfy { hashSlot(of: $0) == slot }
    }
}
