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
    /// The part of `key` that Redis Cluster hashes: the hash tag when there is one, else the
    /// whole key.
    /// - Parameter key: A key.
    public static func hashSlotKey(of key: String) -> Substring {
        let text = Substring(key)
        if let open = text.firstIndex(of: "{") {
            let afterOpen = text.index(after: open)
            if let close = text[afterOpen...].firstIndex(of: "}"), close > afterOpen {
                return text[afterOpen..<close]
            }
        }
        return text
    }

    /// The hash tag of `key` (without braces), or `nil` when it has none.
    /// - Parameter key: A key.
    public static func hashTag(of key: String) -> String? {
        let slotKey = hashSlotKey(of: key)
        return slotKey.count == key.count ? nil : String(slotKey)
    }

    /// How many hash slots a Redis Cluster has.
    public static let slotCount = 16_384

    /// The Redis Cluster hash slot of `key`: CRC16 (XMODEM) of its hash tag's bytes, or of the
    /// whole key when it has no non-empty tag, modulo ``slotCount`` (the cluster specification,
    /// "Key distribution model"). Works on UTF-8 bytes, as Redis does.
    /// - Parameter key: A key.
    public static func hashSlot(of key: String) -> Int {
        let bytes = Array(key.utf8)
        var hashed = bytes[...]
        if let open = bytes.firstIndex(of: UInt8(ascii: "{")),
            let close = bytes[(open + 1)...].firstIndex(of: UInt8(ascii: "}")), close > open + 1
        {
            hashed = bytes[(open + 1)..<close]
        }
        var crc: UInt16 = 0
        for byte in hashed {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        return Int(crc) % slotCount
    }

    /// Whether all keys certainly hash to the same Redis Cluster slot (same hash tag, or the
    /// same key).
    /// - Parameter keys: The keys one script or transaction touches.
    public static func shareHashSlot(_ keys: [String]) -> Bool {
        guard let first = keys.first else { return true }
        let slotKey = hashSlotKey(of: first)
        return keys.dropFirst().allSatisfy { hashSlotKey(of: $0) == slotKey }
    }
}
