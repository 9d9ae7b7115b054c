import Foundation

/// A text in matching form: NFKC, lower case, whitespace runs as one space, dashes as `-`,
/// with every scalar traced back to the `Character` of the original text it came from.
struct FoldedText {
    /// The folded Unicode scalar values.
    var scalars: [UInt32] = []
    /// For each folded scalar, the index of the original `Character` it came from.
    var characterOfScalar: [Int32] = []
    /// The start index of every original `Character`, followed by the text's `endIndex`.
    var characterStarts: [String.Index] = []

    private static let space: UInt32 = 0x20
    private static let hyphen: UInt32 = 0x2D

    /// Folds `text`. ASCII characters take a fast path; others go through Foundation's NFKC
    /// mapping and Unicode lower-casing one `Character` at a time, so that every folded scalar
    /// keeps its original position even where NFKC changes the length ("ﬁ" -> "fi").
    init(_ text: String) {
        scalars.reserveCapacity(text.utf8.count)
        characterOfScalar.reserveCapacity(text.utf8.count)
        var characterIndex: Int32 = 0
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            characterStarts.append(index)
            if character.isASCII {
                for scalar in character.unicodeScalars { append(Self.foldASCII(scalar.value), characterIndex) }
            } else {
                let folded = String(character).precomposedStringWithCompatibilityMapping.lowercased()
                for scalar in folded.unicodeScalars { append(Self.foldOther(scalar), characterIndex) }
            }
            characterIndex += 1
            index = text.index(after: index)
        }
        characterStarts.append(text.endIndex)
    }

    private mutating func append(_ value: UInt32, _ characterIndex: Int32) {
        // Runs of whitespace become one space, so "navy \n blue" matches "navy blue".
        if value == Self.space, scalars.last == Self.space { return }
        scalars.append(value)
        characterOfScalar.append(characterIndex)
    }

    private static func foldASCII(_ value: UInt32) -> UInt32 {
        switch value {
        case 0x41...0x5A: value + 0x20
        case 0x09...0x0D: space
        default: value
        }
    }

    private static func foldOther(_ scalar: Unicode.Scalar) -> UInt32 {
        if scalar.properties.isWhitespace { return space }
        switch scalar.value {
        case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D: return hyphen
        default: return scalar.value
        }
    }

    /// The folded form of a lexicon surface, trimmed of surrounding spaces.
    static func folded(_ surface: String) -> [UInt32] {
        var scalars = FoldedText(surface).scalars
        while scalars.first == space { scalars.removeFirst() }
        while scalars.last == space { scalars.removeLast() }
        return scalars
    }

    /// Whether `value` is a letter or digit of a script that separates words with spaces
    /// (Latin, Greek, Cyrillic, ...). CJK scalars are not: a match may start or end next to them.
    static func isWordScalar(_ value: UInt32) -> Bool {
        if value < 0x80 {
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x30 && value <= 0x39)
                || (value >= 0x41 && value <= 0x5A)
        }
        guard let scalar = Unicode.Scalar(value), !isCJK(value) else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// Whether `value` belongs to a script written without spaces between words (Han, kana,
    /// Hangul), which the matcher searches as substrings.
    static func isCJK(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x11FF, 0x2E80...0x2FDF, 0x3040...0x30FF, 0x3130...0x318F, 0x3400...0x4DBF,
            0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x3134F:
            true
        default: false
        }
    }
}
