import Foundation
import StylecastAttributes
import StylecastServiceKit

/// Reads the zero-shot attribute settings (documented in docs/operations.md):
/// - `STYLECAST_ZERO_SHOT` (`on` or `off`, default `on`);
/// - `STYLECAST_ZERO_SHOT_KINDS`: comma-separated kinds to classify, default the measured ones
///   (``ZeroShotSettings/measuredKinds``);
/// - `STYLECAST_ZERO_SHOT_RULES`: `kind=score/margin` pairs, comma-separated, replacing the
///   measured thresholds of those kinds (e.g. `category=0.5/0.04`); empty keeps them.
enum ZeroShotConfiguration {
    /// The settings, or `nil` when zero-shot is off.
    static func read(_ reader: inout EnvironmentReader) -> ZeroShotSettings? {
        let enabled = reader.choice("STYLECAST_ZERO_SHOT", default: "on", allowed: ["on", "off"]) == "on"
        let defaultKinds = AttributeKind.allCases.filter(ZeroShotSettings.measuredKinds.contains).map(\.rawValue)
        let kinds = reader.parsed(
            "STYLECAST_ZERO_SHOT_KINDS", default: defaultKinds.isEmpty ? "none" : defaultKinds.joined(separator: ","),
            parseKinds)
        let rules = reader.parsed("STYLECAST_ZERO_SHOT_RULES", default: "", parseRules)
        guard enabled else { return nil }
        var merged = ZeroShotSettings.measuredRules
        for (kind, rule) in rules ?? [:] {
            merged[kind]?.minimumScore = rule.score
            merged[kind]?.minimumMargin = rule.margin
        }
        return ZeroShotSettings(rules: merged, enabledKinds: kinds ?? ZeroShotSettings.measuredKinds)
    }

    /// `color,category` -> kinds; `none` or empty -> no kind.
    static func parseKinds(_ text: String) throws(ZeroShotConfigurationProblem) -> Set<AttributeKind> {
        var kinds: Set<AttributeKind> = []
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() })
        where !word.isEmpty && word != "none" {
            guard let kind = AttributeKind(rawValue: word) else { throw .unknownKind(word) }
            kinds.insert(kind)
        }
        return kinds
    }

    /// `category=0.5/0.04,color=0.6/0.05` -> thresholds per kind.
    static func parseRules(_ text: String) throws(ZeroShotConfigurationProblem)
        -> [AttributeKind: (score: Float, margin: Float)]
    {
        var rules: [AttributeKind: (score: Float, margin: Float)] = [:]
        for pair in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = AttributeKind(rawValue: parts[0].lowercased()) else {
                throw .malformedRule(pair)
            }
            let numbers = parts[1].split(separator: "/").map { Float($0) }
            guard numbers.count == 2, let score = numbers[0], let margin = numbers[1],
                (-2...2).contains(score), (0...2).contains(margin)
            else { throw .malformedRule(pair) }
            rules[kind] = (score, margin)
        }
        return rules
    }
}

/// A zero-shot variable that does not parse.
enum ZeroShotConfigurationProblem: Error, CustomStringConvertible {
    case unknownKind(String)
    case malformedRule(String)

    var description: String {
        switch self {
        case .unknownKind(let word):
            "\"\(word)\" is not a kind; use color, pattern, style, material, silhouette, category or none"
        case .malformedRule(let pair):
            "\"\(pair)\" must be kind=score/margin with score in -2...2 and margin in 0...2"
        }
    }
}
