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
        if isPlainASCII(text) { return collapsingWhitespace(text) }
        return collapsingWhitespace(text.precomposedStringWithCompatibilityMapping)
    }

    /// Normalises a field used as a vocabulary key: ``normalized(_:)`` and lower-cased.
    static func key(_ text: String) -> String { normalized(text).lowercased() }

    /// Printable ASCII with single inner spaces is its own NFKC form: the common case, kept fast.
    private static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
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
}
