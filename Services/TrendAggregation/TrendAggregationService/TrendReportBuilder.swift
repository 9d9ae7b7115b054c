import Foundation
import StylecastCalendar
import StylecastContracts
import StylecastErrors
import StylecastProto
import StylecastRedis
import StylecastTrends
import StylecastVision

/// Builds the ``TrendReport`` from a snapshot of the calls, the snapshot a quarter before, the
/// example items and the style clusters.
struct TrendReportBuilder: Sendable {
    /// Weeks between the report's week and the one "previous_stage" is read at.
    static let quarterWeeks = 13
    /// Example items per card.
    static let examplesPerCard = 5
    /// Riser cards per market that get a design slot.
    static let designSlotsPerMarket = 1

    let queries: TrendQueries
    let redis: RedisClient

    /// - Parameters:
    ///   - cardsPerDirection: Riser cards and decliner cards per market.
    ///   - horizon: Weeks of forecast drawn (at most 12).
    ///   - market: Only this market; empty = all.
    ///   - asOf: As in ListTrends.
    ///   - clusters: The style clusters.
    func build(cardsPerDirection: Int, horizon: Int, market: String, asOf: String, clusters: StyleClusters) async throws
        -> TrendReport
    {
        let (snapshot, quarterBefore) = try await queries.snapshots(asOf: asOf, market: market)
        let week = snapshot.asOf?.monday ?? snapshot.latestWeek
        // A quarter before each source's own last week (sources end at different weeks).
        let previous = try await quarterBefore()
        let markets = market.isEmpty ? [TrendReport.allMarkets] + snapshot.markets : [market]
        var sections: [TrendReport.MarketSection] = []
        var calls: [TrendReport.Call] = []
        for code in markets {
            let inMarket = snapshot.calls.filter { code == TrendReport.allMarkets || $0.topic.source.market == code }
            let fused = TrendQueries.fusedTrends(inMarket)
            let previousStages = Self.stages(previous, market: code)
            for trend in fused where trend.fused.stage != nil {
                calls.append(Self.call(trend, market: code, previousStage: previousStages[trend.attribute]))
            }
            let cards = Self.deduplicated(fused.filter { $0.fused.stage != nil })
            let risers = cards.filter { $0.fused.direction == .up }.prefix(cardsPerDirection)
            let decliners = cards.filter { $0.fused.direction == .down }.prefix(cardsPerDirection)
            let sectionWeek = inMarket.compactMap(\.coverage?.lastWeek).max()
            var section = TrendReport.MarketSection(
                market: code, week: sectionWeek?.iso ?? "",
                sources: Set(inMarket.map(\.topic.source.source)).sorted(), risers: [], decliners: [])
            // Example items released by the end of the market's last week read.
            let cutDay = sectionWeek?.adding(days: 6) ?? snapshot.asOf ?? CivilDay(daysSinceEpoch: 0)
            for (index, trend) in risers.enumerated() {
                section.risers.append(
                    try await card(
                        trend, market: code, horizon: horizon, previousStage: previousStages[trend.attribute], cutDay: cutDay,
                        designSlot: index < Self.designSlotsPerMarket))
            }
            for trend in decliners {
                section.decliners.append(
                    try await card(
                        trend, market: code, horizon: horizon, previousStage: previousStages[trend.attribute], cutDay: cutDay,
                        designSlot: false))
            }
            sections.append(section)
        }
        let seriesCounts = Dictionary(grouping: snapshot.calls, by: \.topic.source).mapValues(\.count)
        let swatches = TrendQueries.fusedTrends(snapshot.calls.filter { $0.topic.attribute.kind == "color" })
            .filter { $0.fused.direction == .up }
            .compactMap { trend -> TrendReport.Swatch? in
                guard let srgb = ColorPalette.representativeSRGB[trend.attribute.value] else { return nil }
                return TrendReport.Swatch(name: trend.attribute.value, hex: srgb.hex, stage: trend.fused.stage!.rawValue)
            }
        return TrendReport(
            generatedAt: ISO8601DateFormatter().string(from: Date()), asOf: asOf, week: week?.iso ?? "",
            previousWeek: previous.latestWeek?.iso ?? "", markets: sections,
            coverage: snapshot.sourcesWithData.map { source in
                let coverage = snapshot.coverages[source]
                return TrendReport.CoverageRow(
                    source: source.source, market: source.market, measure: source.measure.rawValue,
                    firstWeek: coverage?.firstWeek.iso ?? "", lastWeek: coverage?.lastWeek.iso ?? "",
                    thinWeeks: coverage?.thinWeeks.count ?? 0, series: seriesCounts[source] ?? 0)
            },
            calls: calls, risingColors: swatches, clusters: clusters.clusters, mapPoints: clusters.points)
    }

    /// The fused stage of every attribute in `market` of a snapshot.
    static func stages(_ snapshot: TrendSnapshot?, market: String) -> [TrendAttribute: LifecycleStage] {
        guard let snapshot else { return [:] }
        let inMarket = snapshot.calls.filter { market == TrendReport.allMarkets || $0.topic.source.market == market }
        var stages: [TrendAttribute: LifecycleStage] = [:]
        for trend in TrendQueries.fusedTrends(inMarket) { stages[trend.attribute] = trend.fused.stage }
        return stages
    }

    /// The cards without a search term's card when an attribute of the same value has one (the
    /// term "dress" and the category "dress" read the same series).
    static func deduplicated(_ trends: [TrendQueries.AttributeCall]) -> [TrendQueries.AttributeCall] {
        let attributeValues = Set(trends.filter { $0.attribute.kind != TrendAttribute.termKind }.map(\.attribute.value))
        return trends.filter { $0.attribute.kind != TrendAttribute.termKind || !attributeValues.contains($0.attribute.value) }
    }

    static func call(_ trend: TrendQueries.AttributeCall, market: String, previousStage: LifecycleStage?) -> TrendReport.Call {
        let fused = trend.fused
        let r = TrendReport.rounded
        return TrendReport.Call(
            market: market, kind: trend.attribute.kind, value: trend.attribute.value, stage: fused.stage?.rawValue ?? "",
            direction: fused.direction.rawValue, growth: r(fused.growth), velocity: r(fused.velocity),
            acceleration: r(fused.acceleration), seasonality: r(fused.seasonality), forecastGrowth: r(fused.forecastGrowth),
            forecastGrowthLower: r(fused.forecastGrowthLower), forecastGrowthUpper: r(fused.forecastGrowthUpper),
            confidence: r(fused.confidence), supportedSeries: fused.staged, agreeingSeries: fused.agreeing,
            previousStage: previousStage?.rawValue ?? "")
    }

    private func card(
        _ trend: TrendQueries.AttributeCall, market: String, horizon: Int, previousStage: LifecycleStage?, cutDay: CivilDay,
        designSlot: Bool
    ) async throws -> TrendReport.Card {
        let fused = trend.fused
        let staged = trend.series.filter { $0.call.stage != nil }
        // The series drawn: the measure weighted most, then the most support for its measure.
        func relativeSupport(_ series: TrendSnapshot.SeriesCall) -> Double { series.call.support / series.call.measure.minimumSupport }
        guard
            let drawn = staged.max(by: {
                let weights = (TrendFusion.measureWeights[$0.call.measure] ?? 0, TrendFusion.measureWeights[$1.call.measure] ?? 0)
                return weights.0 != weights.1 ? weights.0 < weights.1 : relativeSupport($0) < relativeSupport($1)
            }), let coverage = drawn.coverage, let growth = drawn.call.growth, let stage = fused.stage
        else { throw CardWithoutStage(attribute: trend.attribute) }
        let weeks = coverage.weeks
        let chart = TrendReport.chartValue
        let first = max(0, weeks.count - 52)
        let thisYear = (first..<weeks.count).map { drawn.values[$0].map(chart) }
        let lastYear = (first..<weeks.count).map { $0 >= 52 ? drawn.values[$0 - 52].map(chart) : nil }
        let steps = min(horizon, growth.forecast.count)
        let examples = try await examples(of: trend.attribute, market: market, cutDay: cutDay)
        let sentences = ReportNarrative.sentences(
            attribute: trend.attribute, market: market, fused: fused, previousStage: previousStage)
        let r = TrendReport.rounded
        return TrendReport.Card(
            market: market, kind: trend.attribute.kind, value: trend.attribute.value, stage: stage.rawValue,
            direction: fused.direction.rawValue, growth: r(fused.growth), forecastGrowth: r(fused.forecastGrowth),
            forecastGrowthLower: r(fused.forecastGrowthLower), forecastGrowthUpper: r(fused.forecastGrowthUpper),
            velocity: r(fused.velocity), acceleration: r(fused.acceleration), seasonality: r(fused.seasonality),
            confidence: r(fused.confidence), supportedSeries: fused.staged, agreeingSeries: fused.agreeing,
            previousStage: previousStage?.rawValue, chartSource: "\(drawn.topic.source.source) \(drawn.topic.source.market)",
            chartMeasure: drawn.topic.source.measure.rawValue, chartFirstWeek: weeks[first].iso, thisYear: thisYear,
            lastYear: lastYear, forecast: growth.forecast.prefix(steps).map(chart),
            forecastLower: growth.forecastLower.prefix(steps).map(chart),
            forecastUpper: growth.forecastUpper.prefix(steps).map(chart), evidence: Self.evidence(trend.series),
            examples: examples, narrativeEn: sentences.english, narrativeZh: sentences.chinese, designSlot: designSlot)
    }

    /// The series behind a card, one row per source and measure.
    static func evidence(_ series: [TrendSnapshot.SeriesCall]) -> [TrendReport.Evidence] {
        let groups = Dictionary(grouping: series) { "\($0.topic.source.source)|\($0.topic.source.measure.rawValue)" }
        return groups.keys.sorted().map { key in
            let group = groups[key]!
            let staged = group.filter { $0.call.stage != nil && $0.call.growth != nil }
            func logMean(_ value: (SeasonalGrowth) -> Double) -> Double? {
                staged.isEmpty
                    ? nil
                    : TrendReport.rounded(exp(staged.reduce(0) { $0 + log1p(value($1.call.growth!)) } / Double(staged.count)) - 1)
            }
            return TrendReport.Evidence(
                source: group[0].topic.source.source, measure: group[0].topic.source.measure.rawValue,
                markets: group.map(\.topic.source.market).sorted(), staged: staged.count,
                up: staged.count { $0.call.direction == .up }, flat: staged.count { $0.call.direction == .flat },
                down: staged.count { $0.call.direction == .down },
                stage: group.count == 1 ? group[0].call.stage?.rawValue ?? "" : "", growth: logMean(\.growth),
                forecastGrowth: logMean(\.forecastGrowth), support: TrendReport.rounded(group.reduce(0) { $0 + $1.call.support }),
                minimumSupport: group[0].call.measure.minimumSupport,
                firstWeek: group.compactMap(\.coverage?.firstWeek).min()?.iso ?? "",
                lastWeek: group.compactMap(\.coverage?.lastWeek).max()?.iso ?? "")
        }
    }

    /// Up to five items carrying the attribute in the market (every market for "ALL"), released
    /// up to the report's week, latest first, with their titles.
    private func examples(of attribute: TrendAttribute, market: String, cutDay: CivilDay) async throws -> [TrendReport.Example] {
        guard attribute.kind != TrendAttribute.termKind else { return [] }
        let store = queries.store
        let markets = market == TrendReport.allMarkets ? Set(try await store.sources().map(\.market)).sorted() : [market]
        var found: [(itemID: String, released: CivilDay)] = []
        for code in markets {
            found += try await store.examples(market: code, attribute: attribute, releasedBy: cutDay, limit: Self.examplesPerCard)
        }
        let ids = found.sorted { $0.released != $1.released ? $0.released > $1.released : $0.itemID < $1.itemID }
            .prefix(Self.examplesPerCard).map(\.itemID)
        guard !ids.isEmpty else { return [] }
        return zip(ids, try await redis.values(of: ids.map(StylecastKeys.item))).map { id, bytes in
            let title = bytes.flatMap { try? Stylecast_V1_FashionItem(serializedBytes: $0) }?.title ?? ""
            return TrendReport.Example(itemId: id, title: title.isEmpty ? id : title)
        }
    }
}

/// A card asked for an attribute whose fused call has no series with a stage: a defect (cards are
/// made only for staged attributes).
struct CardWithoutStage: StylecastError {
    var attribute: TrendAttribute
    var failureKind: FailureKind { .bug }
    var description: String { "report card for \(attribute.key) without a series with a stage" }
}
