import StylecastTrends

/// Where a weekly series comes from: one measure of one source in one market, e.g. `sales` of
/// `visuelle` in `IT`. Each has its own weekly totals and coverage window.
struct TrendSource: Hashable, Sendable, Comparable {
    /// The market of records that state none: worldwide or not stated.
    static let worldwide = "WW"

    var measure: TrendMeasure
    var source: String
    var market: String

    /// `measure|source|market`, as stored in the sources set.
    var member: String { "\(measure.rawValue)|\(source)|\(market)" }

    init(measure: TrendMeasure, source: String, market: String) {
        self.measure = measure
        self.source = source
        self.market = market.isEmpty ? Self.worldwide : market
    }

    /// Parses ``member``.
    init?(member: String) {
        let parts = member.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let measure = TrendMeasure(rawValue: parts[0]), !parts[1].isEmpty, !parts[2].isEmpty else {
            return nil
        }
        self.init(measure: measure, source: parts[1], market: parts[2])
    }

    static func < (lhs: TrendSource, rhs: TrendSource) -> Bool { lhs.member < rhs.member }
}

/// One weekly series: a source's measure of one attribute.
struct TrendTopic: Hashable, Sendable, Comparable {
    var source: TrendSource
    var attribute: TrendAttribute

    /// `measure|source|market|kind|value`, as stored in the topics set (the value last: it may
    /// hold any character).
    var member: String { "\(source.member)|\(attribute.kind)|\(attribute.value)" }

    init(source: TrendSource, attribute: TrendAttribute) {
        self.source = source
        self.attribute = attribute
    }

    /// Parses ``member``.
    init?(member: String) {
        let parts = member.split(separator: "|", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, let source = TrendSource(member: parts[0...2].joined(separator: "|")),
            !parts[3].isEmpty, !parts[4].isEmpty
        else { return nil }
        self.init(source: source, attribute: TrendAttribute(kind: parts[3], value: parts[4]))
    }

    static func < (lhs: TrendTopic, rhs: TrendTopic) -> Bool { lhs.member < rhs.member }
}
