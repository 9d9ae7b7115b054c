import Foundation
import StylecastTrends

/// One set's backtest: our calls, momentum and the first version's rules, per half of the origins.
struct Backtest {
    /// The three rules in the order printed.
    static let methods = ["ours", "momentum (YoY 12 w, ±15%)", "first version's rules (4 w slope)"]

    var set: BacktestSet
    /// [half][method] -> (call, outcome) pairs.
    var pairs: [[[(call: TrendDirection, outcome: TrendDirection)]]]
    /// [half] -> (inside the 80% interval, scored) for our forecast growth, where ours has a stage.
    var coverage: [(inside: Int, total: Int)]
    /// [half] -> stage -> count.
    var stages: [[String: Int]]
    /// [half][ours, momentum] on the series and origins where our call has a stage.
    var staged: [[[(call: TrendDirection, outcome: TrendDirection)]]]

    /// - Parameters:
    ///   - set: The series, with what every rule reads at an origin.
    ///   - parameters: Our calls' parameters.
    static func run(set: BacktestSet, parameters: TrendParameters) -> Backtest {
        var pairs = Array(repeating: Array(repeating: [(call: TrendDirection, outcome: TrendDirection)](), count: 3), count: 2)
        var coverage = [(inside: 0, total: 0), (inside: 0, total: 0)]
        var stages = [[String: Int]](repeating: [:], count: 2)
        var staged = Array(repeating: Array(repeating: [(call: TrendDirection, outcome: TrendDirection)](), count: 2), count: 2)
        for (index, series, origin, half, outcome) in set.outcomes() {
            let known = set.history(index, at: origin)
            let call = TrendCall(measure: set.measure, values: known.values, counts: known.counts, parameters: parameters)
            let last = known.values.count - 1
            pairs[half][0].append((call.direction, outcome))
            pairs[half][1].append((last < 0 ? .flat : TrendBacktest.momentum(known.values, origin: last), outcome))
            pairs[half][2].append((FirstVersionRules.call(known.values), outcome))
            stages[half][call.stage?.rawValue ?? "no stage", default: 0] += 1
            if call.stage != nil {
                staged[half][0].append((call.direction, outcome))
                staged[half][1].append(pairs[half][1].last!)
            }
            if call.stage != nil, let growth = call.growth, let realised = realisedGrowth(series, origin: origin, offset: growth.offset) {
                coverage[half].total += 1
                if realised >= growth.forecastGrowthLower, realised <= growth.forecastGrowthUpper { coverage[half].inside += 1 }
            }
        }
        return Backtest(set: set, pairs: pairs, coverage: coverage, stages: stages, staged: staged)
    }

    /// The realised growth of the 12 weeks after `origin` with the call's offset.
    static func realisedGrowth(_ series: [Double?], origin: Int, offset: Double) -> Double? {
        let after = series[(origin + 1)...(origin + 12)].compactMap { $0 }
        let before = series[(origin - 51)...(origin - 40)].compactMap { $0 }
        guard !after.isEmpty, !before.isEmpty else { return nil }
        return (mean(after) + offset) / (mean(before) + offset) - 1
    }

    /// The half's origins as "first - last week (n origins)".
    func span(half: Int) -> String {
        let origins = set.origins
        let middle = origins.count / 2
        let part = half == 0 ? Array(origins[..<middle]) : Array(origins[middle...])
        guard let first = part.first, let last = part.last else { return "none" }
        return "\(set.week(first)) to \(set.week(last)), \(part.count) origins"
    }

    var table: String {
        var lines = [
            "### \(set.name): \(set.series.count) series, \(set.weekCount) weeks from \(set.week(0))", "",
            "| half | rule | macro-F1 | up P / R / F1 | down P / R / F1 | flat P / R / F1 | calls |",
            "|---|---|---|---|---|---|---|",
        ]
        for half in 0..<2 {
            for (index, method) in Self.methods.enumerated() {
                let score = CallScore(pairs[half][index])
                func cell(_ direction: TrendDirection) -> String {
                    let c = score.classes[direction]!
                    return String(format: "%.3f / %.3f / %.3f", c.precision, c.recall, c.f1)
                }
                lines.append(
                    "| \(half == 0 ? "first" : "second") (\(span(half: half))) | \(method) | "
                        + String(format: "%.4f", score.macroF1)
                        + " | \(cell(.up)) | \(cell(.down)) | \(cell(.flat)) | \(score.count) |")
            }
        }
        lines.append("")
        for half in 0..<2 {
            let first = CallScore(pairs[half][0]).macroF1
            let momentum = CallScore(pairs[half][1]).macroF1
            let slope = CallScore(pairs[half][2]).macroF1
            let (inside, total) = coverage[half]
            let stageCounts = stages[half].sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append(
                String(
                    format: "- %@ half: ours - momentum = %+.4f, ours - first version = %+.4f; where ours has a stage (%d calls): ours %.4f, momentum %.4f; its 80%% interval of the forecast growth held the outcome %d of %d times (%.1f%%); stages: %@",
                    half == 0 ? "first" : "second", first - momentum, first - slope, staged[half][0].count,
                    CallScore(staged[half][0]).macroF1, CallScore(staged[half][1]).macroF1, inside, total,
                    100 * Double(inside) / Double(max(total, 1)), stageCounts))
        }
        return lines.joined(separator: "\n")
    }
}
