import Foundation
import Synchronization
import StylecastContracts
import StylecastErrors

/// The `recommendation_id` of a list: it names the list and carries what attribution needs, so
/// that a click or purchase sent back with it (`Interaction.recommendation_id`) is counted under
/// the surface and the reason of the item acted on without any state kept per list.
///
/// Layout, then base64url without padding: version (1), the surface's length and UTF-8 bytes, a
/// 48-bit nonce (6; a per-process counter mixed with a random seed) that tells two lists apart,
/// then per position (at most
/// ``maximumPositions``) the reason's code (1) and a 16-bit fingerprint of the item id (2).
/// An item is found by its fingerprint; if two positions share one, the first counts.
package struct RecommendationID: Sendable, Equatable {
    /// Where the list was shown (``Surface``).
    package var surface: String
    /// Each position's reason and item fingerprint, best first.
    package var positions: [(reason: RecommendationReason, fingerprint: UInt16)]

    /// Positions an id describes; items further down a longer list are not attributed.
    package static let maximumPositions = 100
    private static let version: UInt8 = 1
    /// The wire code of a reason (never renumbered); a switch, not a dictionary: this runs for
    /// every position of every answer.
    private static func code(of reason: RecommendationReason) -> UInt8 {
        switch reason {
        case .als: 1
        case .cooccurrence: 2
        case .content: 3
        case .popular: 4
        case .repurchase: 5
        case .complementPopular: 6
        case .explore: 7
        }
    }
    private static let reasons = Dictionary(uniqueKeysWithValues: RecommendationReason.allCases.map { (code(of: $0), $0) })

    /// The id of a list.
    /// - Parameters:
    ///   - surface: A valid surface (``Surface/validated(_:)``).
    ///   - items: The list's item ids and reasons, best first.
    package init(surface: String, items: [(itemID: String, reason: RecommendationReason)]) {
        self.surface = surface
        positions = items.prefix(Self.maximumPositions).map { ($0.reason, Self.fingerprint($0.itemID)) }
    }

    /// Reads an id, `nil` when it is not one this service wrote.
    package init?(decoding text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.count >= 2, bytes[0] == Self.version else { return nil }
        let surfaceEnd = 2 + Int(bytes[1])
        let start = surfaceEnd + 6
        guard bytes.count >= start, (bytes.count - start) % 3 == 0,
            let surface = String(bytes: bytes[2..<surfaceEnd], encoding: .utf8), Surface.isValid(surface)
        else { return nil }
        var positions: [(reason: RecommendationReason, fingerprint: UInt16)] = []
        for offset in stride(from: start, to: bytes.count, by: 3) {
            guard let reason = Self.reasons[bytes[offset]] else { return nil }
            positions.append((reason, UInt16(bytes[offset + 1]) << 8 | UInt16(bytes[offset + 2])))
        }
        self.surface = surface
        self.positions = positions
    }

    /// The id as sent: base64url without padding.
    package var text: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2 + surface.utf8.count + 6 + 3 * positions.count)
        bytes.append(Self.version)
        bytes.append(UInt8(surface.utf8.count))
        bytes.append(contentsOf: surface.utf8)
        var nonce = Self.nextNonce()
        for _ in 0..<6 {
            bytes.append(UInt8(truncatingIfNeeded: nonce))
            nonce >>= 8
        }
        for position in positions {
            bytes.append(Self.code(of: position.reason))
            bytes.append(UInt8(position.fingerprint >> 8))
            bytes.append(UInt8(truncatingIfNeeded: position.fingerprint))
        }
        return Self.base64URL(bytes)
    }

    /// A random start and a per-process counter: unique within the process and unlikely to meet
    /// another replica's, without a system call per answer (this runs for every answer).
    private static let nonceSeed = UInt64.random(in: 0...UInt64.max)
    private static let nonceCounter = Atomic<UInt64>(0)

    /// The next 48-bit nonce: the counter mixed with the seed (SplitMix64's finaliser).
    static func nextNonce() -> UInt64 {
        var z = nonceSeed &+ nonceCounter.wrappingAdd(1, ordering: .relaxed).newValue &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) & 0xFFFF_FFFF_FFFF
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Base64url without padding (RFC 4648, section 5), written directly: this runs for every
    /// answer, cache hits included.
    static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Self.alphabet
        let rest = bytes.count % 3
        let length = bytes.count / 3 * 4 + (rest == 0 ? 0 : rest + 1)
        return String(unsafeUninitializedCapacity: length) { out in
            var written = 0
            func put(_ chunk: UInt32, _ shift: UInt32) {
                out[written] = alphabet[Int(chunk >> shift & 63)]
                written += 1
            }
            var index = 0
            while index + 3 <= bytes.count {
                let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                put(chunk, 18)
                put(chunk, 12)
                put(chunk, 6)
                put(chunk, 0)
                index += 3
            }
            if rest > 0 {
                let chunk = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
                put(chunk, 18)
                put(chunk, 12)
                if rest == 2 { put(chunk, 6) }
            }
            return written
        }
    }

    /// The reason the list gave `itemID`, `nil` when the list did not hold it (as far as its
    /// fingerprints tell).
    package func reason(of itemID: String) -> RecommendationReason? {
        let fingerprint = Self.fingerprint(itemID)
        return positions.first { $0.fingerprint == fingerprint }?.reason
    }

    /// FNV-1a 32 of the id's UTF-8 bytes, folded to 16 bits.
    static func fingerprint(_ itemID: String) -> UInt16 {
        func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt32 {
            var hash: UInt32 = 2_166_136_261
            for byte in bytes {
                hash ^= UInt32(byte)
                hash = hash &* 16_777_619
            }
            return hash
        }
        // Over the contiguous bytes of a native string: this runs for every position of every answer.
        let hash = itemID.utf8.withContiguousStorageIfAvailable { fnv1a($0) } ?? fnv1a(itemID.utf8)
        return UInt16(truncatingIfNeeded: hash >> 16) ^ UInt16(truncatingIfNeeded: hash)
    }

    package static func == (a: RecommendationID, b: RecommendationID) -> Bool {
        a.surface == b.surface && a.positions.elementsEqual(b.positions) { $0.reason == $1.reason && $0.fingerprint == $1.fingerprint }
    }
}

/// Where a list is shown (`surface` of the requests): the surface label of the attribution
/// counters.
package enum Surface {
    /// Longest surface name.
    package static let maximumLength = 32
    /// The label of a request that names none.
    package static let unspecified = "unspecified"

    /// The surface a request names, `unspecified` when empty.
    /// - Throws: ``InvalidInput`` naming `surface` for anything but 1-32 of `a-z`, `0-9`, `_`, `-`.
    package static func validated(_ surface: String) throws(InvalidInput) -> String {
        guard !surface.isEmpty else { return unspecified }
        guard isValid(surface) else {
            throw InvalidInput(
                field: "surface",
                rule: "must be 1-\(maximumLength) characters of a-z, 0-9, '_' and '-' (e.g. product_page), got '\(surface.prefix(64))'")
        }
        return surface
    }

    static func isValid(_ surface: String) -> Bool {
        !surface.isEmpty && surface.utf8.count <= maximumLength
            && surface.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 }
    }
}
