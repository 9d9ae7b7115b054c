import Foundation

/// The text clean-up every ingested string goes through: Unicode NFKC (full-width letters and
/// digits, ligatures and compatibility forms folded), control characters removed, runs of white
/// space (new lines included) collapsed to one space, no space at either end.
enum TextNormalization {
    /// Normalises one field.
    /// - Parameter text: Any string.
    /// - Returns: The NFKC, single-spaced, trimmed text.
    static func normalized(_ text: String) -> String {
        if text.isEmpty { return text }
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return collapsingASCII(text) }
        return collapsingWhitespace(text.precomposedStringWithCompatibilityMapping)
    }

    /// Normalises a field used as a vocabulary key: ``normalized(_:)`` and lower-cased.
    static func key(_ text: String) -> String { normalized(text).lowercased() }

    /// ASCII is its own NFKC form: the common case, done on bytes. White space is tab, line
    /// feed, vertical tab, form feed, carriage return and space; other bytes below 0x20 and DEL
    /// are control characters.
    private static func collapsingASCII(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                pendingSpace = !bytes.isEmpty
            } else if byte >= 0x20 && byte != 0x7F {
                if pendingSpace {
                    bytes.append(0x20)
                    pendingSpace = false
                }
                bytes.append(byte)
            }
        }
        return bytes.count == text.utf8.count ? text : String(decoding: bytes, as: UTF8.self)
    }

    private static func collapsingWhitespace(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
                continue
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
            }
            result.append(scalar)
        }
        return String(result)
    }

    /// Whether `name` is a source name: 1-32 characters of `a-z`, `0-9` and `-`.
    static func isSourceName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 32
            && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }

    /// A market or geo code: trimmed and upper-cased, `nil` unless empty or 1-16 characters of
    /// `A-Z`, `0-9` and `-` (ISO 3166 codes such as `US` or `US-CA`).
    static func marketCode(_ text: String) -> String? {
        let code = normalized(text).uppercased()
        guard code.utf8.count <= 16,
            code.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D })
        else { return nil }
        return code
    }
}
