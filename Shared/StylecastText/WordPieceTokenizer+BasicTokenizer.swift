// BERT's basic tokenisation, as Hugging Face `tokenizers` does it: BertNormalizer (clean text,
// pad CJK ideographs with spaces, NFD + drop nonspacing marks, lower-case) and BertPreTokenizer
// (split on whitespace, isolate punctuation). Everything works on Unicode scalars, which is what
// the reference implementation (Rust `char`) sees; grapheme clusters would merge e.g. a letter
// with an emoji modifier.

import Foundation

/// A piece of raw text: either a special token written literally or text to tokenize.
enum TextSegment: Equatable {
    case special(Int)
    case text([Unicode.Scalar])
}

extension WordPieceTokenizer {
    /// Splits raw text at literal occurrences of the special tokens (leftmost, longest first),
    /// which are matched before normalisation and case-sensitively, as Hugging Face's added
    /// tokens with `normalized: false`.
    func splitOnLiteralSpecialTokens(_ scalars: [Unicode.Scalar]) -> [TextSegment] {
        var segments: [TextSegment] = []
        var textStart = 0
        var position = 0
        while position < scalars.count {
            // Every special token starts with "[" in BERT vocabularies, but nothing relies on it.
            let match = literalSpecialTokens.first { token in
                position + token.scalars.count <= scalars.count
                    && scalars[position..<(position + token.scalars.count)].elementsEqual(token.scalars)
            }
            guard let match else {
                position += 1
                continue
            }
            if textStart < position { segments.append(.text(Array(scalars[textStart..<position]))) }
            segments.append(.special(match.id))
            position += match.scalars.count
            textStart = position
        }
        if textStart < scalars.count { segments.append(.text(Array(scalars[textStart...]))) }
        return segments
    }

    /// The words of a text after normalisation and pre-tokenisation.
    func basicTokens(_ scalars: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var normalized = cleanedText(scalars)
        if config.stripsAccents {
            let decomposed = String(String.UnicodeScalarView(normalized)).decomposedStringWithCanonicalMapping
            normalized = decomposed.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
        }
        if config.doLowerCase {
            var lowered: [Unicode.Scalar] = []
            lowered.reserveCapacity(normalized.count)
            for scalar in normalized {
                if scalar.isASCII {
                    lowered.append(Unicode.Scalar(UInt8(ascii: scalar) | (isASCIIUpper(scalar) ? 0x20 : 0)))
                } else {
                    // Per scalar, like Rust's `char::to_lowercase` (no final-sigma context rule).
                    lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                }
            }
            normalized = lowered
        }
        var words: [[Unicode.Scalar]] = []
        var word: [Unicode.Scalar] = []
        for scalar in normalized {
            if scalar.properties.isWhitespace {
                if !word.isEmpty { words.append(word) }
                word.removeAll(keepingCapacity: true)
            } else if isPunctuation(scalar) {
                if !word.isEmpty { words.append(word) }
                word.removeAll(keepingCapacity: true)
                words.append([scalar])
            } else {
                word.append(scalar)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    /// Removes NUL, U+FFFD and control characters, turns whitespace into spaces, and surrounds
    /// CJK ideographs with spaces when ``TokenizerConfig/tokenizeChineseChars`` is set.
    func cleanedText(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(scalars.count)
        for scalar in scalars {
            if scalar == "\u{0}" || scalar == "\u{FFFD}" || isControl(scalar) { continue }
            if isWhitespace(scalar) {
                cleaned.append(" ")
            } else if config.tokenizeChineseChars && isCJKIdeograph(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        return cleaned
    }
}

private func isASCIIUpper(_ scalar: Unicode.Scalar) -> Bool { scalar >= "A" && scalar <= "Z" }

/// Tab, newline and carriage return, plus every scalar with the Unicode White_Space property.
func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
}

/// The "other" categories (Cc, Cf, Cs, Co, Cn) except tab, newline and carriage return, which
/// count as whitespace.
func isControl(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned: return true
    default: return false
    }
}

/// ASCII punctuation (which includes symbols such as `$`, `+`, `^`) and every Unicode P* scalar.
func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 33...47, 58...64, 91...96, 123...126: return true
    default: break
    }
    switch scalar.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
        .initialPunctuation, .finalPunctuation, .otherPunctuation:
        return true
    default:
        return false
    }
}

/// The CJK Unified Ideographs blocks and their extensions and compatibility blocks that BERT
/// treats as words of their own (Hangul and Kana are not among them).
func isCJKIdeograph(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
        0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
        return true
    default:
        return false
    }
}
