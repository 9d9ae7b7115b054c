import Foundation
import StylecastTrends

/// The parameter choice of docs/trends.md, made on the first half of every set's origins only
/// (the second halves are not read):
/// 1. a grid over the forecast's growth damping and the up/down thresholds (at least ±10%), scored
///    by the mean macro-F1 of the two search sets;
/// 2. per measure, the interval scale that puts 80% of the realised growths inside the 80%
///    interval (interest on the search sets, each count measure on its source);
/// 3. per measure, the fusion weight: the macro-F1 of the calls that have a stage, less 1/3 (what
///    three-way guessing scores), at least 0.05.
enum ParameterSelection {
    static let dampings = [0.0, 0.3, 0.5, 0.7, 1.0]
    /// A call must mean a move worth acting on: at least ±10% against last year (within that
    /// band a series is stable), chosen before looking at any score. Smaller thresholds score a
    /// little higher on the first halves (±5% with damping 0.3: 0.621) by calling small moves.
    static let upThresholds = [0.10, 0.125, 0.15, 0.175, 0.20, 0.25]
    static let downThresholds = [-0.10, -0.125, -0.15, -0.175, -0.20, -0.25]

    struct Point {
        /// Our forecast growth where the series has a stage.
        var forecastGrowth: Double?
        var outcome: TrendDirection
        /// |log error| / (z80 · noise), for the interval scale.
        var logError: Double?
    }

    static func run(search: [BacktestSet], countSources: [BacktestSet], progress: (String) -> Void) -> String {
        var best: (score: Double, parameters: TrendParameters, perSet: [Double])?
        var lines: [String] = [
            "Step 1: the grid, on the search sets' first halves.", "",
            "| damping | best up / down | mean first-half macro-F1 |", "|---|---|---|",
        ]
        for damping in dampings {
            let probe = TrendParameters(
                growthDamping: damping, upThreshold: 0.15, downThreshold: -0.15, intervalScales: [.interest: 1])
            let points = search.map { firstHalfPoints($0, parameters: probe) }
            let choice = bestThresholds { up, down in
                points.map { macroF1($0, up: up, down: down) }.reduce(0, +) / Double(points.count)
            }
            lines.append("| \(damping) | \(choice.up) / \(choice.down) | " + String(format: "%.4f", choice.score) + " |")
            progress("damping \(damping): " + String(format: "%.4f", choice.score))
            if best == nil || choice.score > best!.score + 1e-12 {
                best = (
                    choice.score,
                    TrendParameters(
                        growthDamping: damping, upThreshold: choice.up, downThreshold: choice.down,
                        intervalScales: [.interest: 1]), points.map { macroF1($0, up: choice.up, down: choice.down) }
                )
            }
        }
        var chosen = best!.parameters
        let unitScales = TrendParameters(
            growthDamping: chosen.growthDamping, upThreshold: chosen.upThreshold, downThreshold: chosen.downThreshold,
            intervalScales: Dictionary(uniqueKeysWithValues: TrendMeasure.allCases.map { ($0, 1.0) }))
        var pointsByMeasure: [TrendMeasure: [Point]] = [:]
        for set in search + countSources {
            pointsByMeasure[set.measure, default: []] += firstHalfPoints(set, parameters: unitScales)
        }
        lines += ["", "Step 2: interval scales and fusion weights, per measure, on the first halves.", ""]
        lines += ["| measure | interval scale | macro-F1 where staged | fusion weight |", "|---|---|---|---|"]
        var weights: [TrendMeasure: Double] = [:]
        for measure in TrendMeasure.allCases {
            guard let points = pointsByMeasure[measure] else { continue }
            let ratios = points.compactMap(\.logError).sorted()
            guard !ratios.isEmpty else { continue }
            let scale = ratios[min(ratios.count - 1, Int((0.8 * Double(ratios.count)).rounded(.up)) - 1)]
            chosen.intervalScales[measure] = (scale * 100).rounded() / 100
            let staged = points.filter { $0.forecastGrowth != nil }
            let score = macroF1(staged, up: chosen.upThreshold, down: chosen.downThreshold)
            let weight = max(0.05, score - 1.0 / 3)
            weights[measure] = (weight * 100).rounded() / 100
            lines.append(
                "| \(measure.rawValue) | \(chosen.intervalScales[measure]!) | " + String(format: "%.4f | %.2f |", score, weight))
        }
        let perSet = zip(search, best!.perSet).map { "\($0.name) " + String(format: "%.4f", $1) }
        lines.append("")
        lines.append(
            "Chosen: damping \(chosen.growthDamping), up \(chosen.upThreshold), down \(chosen.downThreshold), interval scales \(chosen.intervalScales.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")) (first-half macro-F1: \(perSet.joined(separator: ", ")))."
        )
        lines.append(
            chosen == TrendParameters.standard
                ? "These are TrendParameters.standard." : "TrendParameters.standard differs: \(TrendParameters.standard)")
        lines.append(
            weights == TrendFusion.measureWeights
                ? "The weights are TrendFusion.measureWeights." : "TrendFusion.measureWeights differ: \(TrendFusion.measureWeights)")
        return lines.joined(separator: "\n")
    }

    /// Every (series, first-half origin) with a known outcome.
    static func firstHalfPoints(_ set: BacktestSet, parameters: TrendParameters) -> [Point] {
        set.outcomes(firstHalfOnly: true).map { index, series, origin, _, outcome in
            let known = set.history(index, at: origin)
            let call = TrendCall(measure: set.measure, values: known.values, counts: known.counts, parameters: parameters)
            var point = Point(forecastGrowth: nil, outcome: outcome, logError: nil)
            if let growth = call.growth, call.stage != nil {
                point.forecastGrowth = growth.forecastGrowth
                if growth.noise > 0, let realised = Backtest.realisedGrowth(series, origin: origin, offset: growth.offset) {
                    point.logError = abs(log1p(realised) - log1p(growth.forecastGrowth)) / (1.2815515655446004 * growth.noise)
                }
            }
            return point
        }
    }

    /// The grid's (up, down) thresholds with the highest score, the first of equal ones.
    static func bestThresholds(_ score: (_ up: Double, _ down: Double) -> Double) -> (score: Double, up: Double, down: Double) {
        var best: (score: Double, up: Double, down: Double)?
        for up in upThresholds {
            for down in downThresholds {
                let value = score(up, down)
                if best == nil || value > best!.score + 1e-12 { best = (value, up, down) }
            }
        }
        return best!
    }

    static func macroF1(_ points: [Point], up: Double, down: Double) -> Double {
        CallScore(
            points.map { point in
                guard let growth = point.forecastGrowth else { return (.flat, point.outcome) }
                return (growth >= up ? .up : growth <= down ? .down : .flat, point.outcome)
            }
        ).macroF1
    }
}
