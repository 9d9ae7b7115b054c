// `attributes-eval zero-shot`: lexicon against lexicon + zero-shot on a fixed sample, with the
// zero-shot thresholds chosen on one half of the sample and the scores reported on the other.

import Foundation
import StylecastAttributes
import StylecastCalendar
import StylecastDatasets
import StylecastText

/// One sampled item of one evaluated column.
private struct SampleItem {
    let text: Int
    let label: String
    let accepted: Set<String>?
    let tuning: Bool
}

/// The zero-shot view of one item and kind where the lexicon found nothing.
private struct Candidate {
    let best: String
    /// Best similarity minus the kind's mean similarity (the classifier's score).
    let score: Float
    let margin: Float
    let correct: Bool
    let tuning: Bool
}

/// Every `step`-th row up to `count` rows: a fixed, deterministic sample.
private func everyKth(_ total: Int, count: Int) -> [Int] {
    let step = max(1, total / count)
    return Array(stride(from: 0, to: total, by: step).prefix(count))
}

/// The smallest precision of zero-shot additions a kind must keep on the tuning half.
let zeroShotPrecisionFloor = 0.75
/// The fewest correct additions on the tuning half for zero-shot to count as helping a kind.
let zeroShotMinimumGain = 5

/// Fits `P(correct) = 1 / (1 + exp(-(a + b * s)))` by Newton's method; returns the calibration.
private func fitLogistic(_ points: [(x: Float, y: Bool)]) -> ZeroShotCalibration? {
    guard points.contains(where: \.y), points.contains(where: { !$0.y }) else { return nil }
    var a = 0.0
    var b = 0.0
    for _ in 0..<50 {
        var ga = 0.0, gb = 0.0, haa = 1e-9, hab = 0.0, hbb = 1e-9
        for point in points {
            let x = Double(point.x)
            let p = 1 / (1 + exp(-(a + b * x)))
            let residual = (point.y ? 1 : 0) - p
            ga += residual
            gb += residual * x
            let weight = p * (1 - p)
            haa += weight
            hab += weight * x
            hbb += weight * x * x
        }
        let determinant = haa * hbb - hab * hab
        guard abs(determinant) > 1e-12 else { break }
        a += (hbb * ga - hab * gb) / determinant
        b += (haa * gb - hab * ga) / determinant
    }
    guard b > 0 else { return nil }
    return ZeroShotCalibration(midpoint: Float(-a / b), slope: Float(b))
}

func evaluateZeroShot(dataDirectory directory: String, modelDirectory: String, sampleSize: Int) throws {
    let myntra = try CSVTable(path: "\(directory)/myntra/styles.csv.gz")
    let hm = try CSVTable(path: "\(directory)/hm/articles_train.csv.gz")
    let myntraRows = everyKth(myntra.rows.count, count: sampleSize).map { myntra.rows[$0] }
    let hmRows = everyKth(hm.rows.count, count: sampleSize).map { hm.rows[$0] }
    let myntraText = try myntra.column("productDisplayName")
    let (hmName, hmDescription) = (try hm.column("prod_name"), try hm.column("detail_desc"))
    let texts = myntraRows.map { $0[myntraText] } + hmRows.map { "\($0[hmName]). \($0[hmDescription])" }
    let hmOffset = myntraRows.count

    // Column -> sampled items; tuning = even position in the column's own sample.
    let columns: [(LabelMapping, [SampleItem])] = try LabelMapping.all.map { mapping in
        let (table, rows, offset) = mapping.isMyntra ? (myntra, myntraRows, 0) : (hm, hmRows, hmOffset)
        let column = try table.column(mapping.column)
        let items = rows.enumerated().map { position, row in
            SampleItem(
                text: offset + position, label: row[column], accepted: mapping.accepted(row[column]),
                tuning: position % 2 == 0)
        }
        return (mapping, items)
    }

    let embedder = try SentenceEmbedder(directory: modelDirectory)
    let allKinds = Set(AttributeKind.allCases)
    let prompts = AttributePrompts.prompts(for: .standard, kinds: allKinds)
    var started = ContinuousClock.now
    let prototypes = try AttributePrototypes(prompts: prompts, embeddings: try embedder.embed(prompts.map(\.sentence)))
    let prototypeSeconds = (ContinuousClock.now - started).totalSeconds
    started = ContinuousClock.now
    let embeddings = try embedder.embed(texts)
    let textSeconds = (ContinuousClock.now - started).totalSeconds

    let extractor = AttributeExtractor.standard
    let lexicon = texts.map(extractor.extract)
    let open = ZeroShotRule(minimumScore: -2, minimumMargin: 0, calibration: .init(midpoint: 0, slope: 1))
    let ranking = ZeroShotClassifier(
        prototypes: prototypes, settings: ZeroShotSettings(rules: [:].merging(allKinds.map { ($0, open) }) { $1 }, enabledKinds: allKinds))

    // Candidates: items with a mapped label whose text has no lexicon match of the kind.
    var candidates: [String: [Candidate]] = [:]
    for (mapping, sample) in columns {
        let kind = AttributeKind(rawValue: mapping.kind)!
        for item in sample where item.accepted != nil && !lexicon[item.text].contains(where: { $0.kind == kind }) {
            let ranked = ranking.similarities(embeddings[item.text], kind: kind)
            let mean = ranked.reduce(0) { $0 + $1.similarity } / Float(ranked.count)
            candidates[mapping.kind, default: []].append(
                Candidate(
                    best: ranked[0].value, score: ranked[0].similarity - mean,
                    margin: ranked[0].similarity - ranked[1].similarity,
                    correct: item.accepted!.contains(ranked[0].value), tuning: item.tuning))
        }
    }

    // Per kind: the (score, margin) with the most correct additions on the tuning half at a
    // precision of at least the floor; a kind with too few gains stays off.
    var rules: [AttributeKind: ZeroShotRule] = ZeroShotSettings.measuredRules
    var enabled: Set<AttributeKind> = []
    var choiceLines: [String] = []
    for kindName in ["color", "pattern", "category"] {
        let kind = AttributeKind(rawValue: kindName)!
        let tuning = (candidates[kindName] ?? []).filter(\.tuning)
        var best: (threshold: Float, margin: Float, correct: Int, added: Int)?
        for thresholdStep in 0...60 {
            let threshold = Float(thresholdStep) / 100
            for margin: Float in [0, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1] {
                let added = tuning.filter { $0.score >= threshold && $0.margin >= margin }
                let correct = added.filter(\.correct).count
                guard !added.isEmpty, Double(correct) / Double(added.count) >= zeroShotPrecisionFloor else { continue }
                if best == nil || correct > best!.correct { best = (threshold, margin, correct, added.count) }
            }
        }
        let calibration = fitLogistic(tuning.map { ($0.score, $0.correct) })
            ?? ZeroShotCalibration(midpoint: 0.5, slope: 10)
        if let best, best.correct >= zeroShotMinimumGain {
            rules[kind] = ZeroShotRule(minimumScore: best.threshold, minimumMargin: best.margin, calibration: calibration)
            enabled.insert(kind)
            choiceLines.append(
                "| \(kindName) | \(tuning.count) | on | \(best.threshold) | \(best.margin) | \(best.correct)/\(best.added) | \(calibration.midpoint) | \(calibration.slope) |")
        } else {
            let gain = best.map { "\($0.correct)/\($0.added)" } ?? "none at precision >= \(zeroShotPrecisionFloor)"
            choiceLines.append("| \(kindName) | \(tuning.count) | off | - | - | \(gain) | \(calibration.midpoint) | \(calibration.slope) |")
        }
    }

    print("Zero-shot prototypes: \(prompts.count) prompt sentences for \(prototypes.values.count) values, embedded in \(format3(prototypeSeconds)) s")
    print("Sample texts: \(texts.count) (\(myntraRows.count) Myntra, \(hmRows.count) H&M, every k-th row) embedded in \(format3(textSeconds)) s = \(Int(Double(texts.count) / textSeconds)) texts/s")
    print("\nRules chosen on the tuning half (even sample positions): most correct additions at precision >= \(zeroShotPrecisionFloor), at least \(zeroShotMinimumGain):\n")
    print("| kind | tuning candidates | zero-shot | min score | min margin | correct/added (tuning) | calibration midpoint | calibration slope |")
    print("|---|---|---|---|---|---|---|---|")
    choiceLines.forEach { print($0) }

    let combiner = AttributeCombiner(
        extractor: extractor,
        classifier: ZeroShotClassifier(prototypes: prototypes, settings: ZeroShotSettings(rules: rules, enabledKinds: enabled)))
    print("\nReport half (odd sample positions), lexicon vs lexicon + zero-shot:\n")
    print("| kind | labels | labelled items | lexicon P | lexicon R | lexicon coverage | + zero-shot P | + zero-shot R | + zero-shot coverage | zero-shot added (correct) | mean confidence |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for (mapping, sample) in columns {
        var lexiconScore = Score()
        var combinedScore = Score()
        var added = 0, addedCorrect = 0
        var confidence: Float = 0
        for item in sample where !item.tuning {
            let found = lexicon[item.text]
            let combined = combiner.attributes(in: texts[item.text], lexiconMatches: found, embedding: embeddings[item.text])
            let lexiconValues = found.filter { $0.kind.rawValue == mapping.kind }.map(\.value)
            let combinedFound = combined.filter { $0.kind.rawValue == mapping.kind }
            lexiconScore.add(label: item.label, accepted: item.accepted, predicted: lexiconValues)
            combinedScore.add(label: item.label, accepted: item.accepted, predicted: combinedFound.map(\.value))
            if let accepted = item.accepted {
                for zeroShot in combinedFound where zeroShot.origin == .zeroShot {
                    added += 1
                    confidence += zeroShot.confidence
                    if accepted.contains(zeroShot.value) { addedCorrect += 1 }
                }
            }
        }
        let meanConfidence = added == 0 ? "-" : format3(Double(confidence) / Double(added))
        print("| \(mapping.kind) | \(mapping.name) | \(lexiconScore.labelled) | \(lexiconScore.precision) | \(lexiconScore.recall) | \(lexiconScore.coverage) | \(combinedScore.precision) | \(combinedScore.recall) | \(combinedScore.coverage) | \(added) (\(addedCorrect)) | \(meanConfidence) |")
    }
    if ProcessInfo.processInfo.environment["ATTRIBUTES_EVAL_ERRORS"] != nil {
        // Diagnostic: precision of the best value by score band, all candidates.
        for (kind, list) in candidates.sorted(by: { $0.key < $1.key }) {
            var lines: [String] = []
            for band in stride(from: Float(0), to: 0.6, by: 0.05) {
                let inBand = list.filter { $0.score >= band && $0.score < band + 0.05 }
                guard !inBand.isEmpty else { continue }
                lines.append("\(band): \(inBand.filter(\.correct).count)/\(inBand.count)")
            }
            FileHandle.standardError.write(Data("\(kind) correct by score band: \(lines.joined(separator: ", "))\n".utf8))
            let wrongPairs = Dictionary(grouping: list.filter { !$0.correct }, by: \.best).mapValues(\.count)
                .sorted { $0.value > $1.value }.prefix(12)
            let rightPairs = Dictionary(grouping: list.filter(\.correct), by: \.best).mapValues(\.count)
                .sorted { $0.value > $1.value }.prefix(12)
            FileHandle.standardError.write(Data("  wrong best: \(wrongPairs.map { "\($0.key) \($0.value)" })\n  right best: \(rightPairs.map { "\($0.key) \($0.value)" })\n".utf8))
        }
        for (kind, list) in candidates.sorted(by: { $0.key < $1.key }) {
            let wrong = list.filter { !$0.correct && $0.score >= (rules[AttributeKind(rawValue: kind)!]?.minimumScore ?? 1) }
            let top = Dictionary(grouping: wrong, by: \.best).mapValues(\.count).sorted { $0.value > $1.value }.prefix(15)
            FileHandle.standardError.write(Data("\(kind) wrong zero-shot values: \(top.map { "\($0.key) \($0.value)" }.joined(separator: ", "))\n".utf8))
        }
    }
}

/// `attributes-eval classify TEXT...`: the lexicon's matches and the three most similar
/// prototypes of each kind, to check what zero-shot makes of a text.
func explainZeroShot(_ texts: [String], modelDirectory: String) throws {
    let embedder = try SentenceEmbedder(directory: modelDirectory)
    let kinds = Set(AttributeKind.allCases)
    let prompts = AttributePrompts.prompts(for: .standard, kinds: kinds)
    let prototypes = try AttributePrototypes(prompts: prompts, embeddings: try embedder.embed(prompts.map(\.sentence)))
    let classifier = ZeroShotClassifier(prototypes: prototypes, settings: ZeroShotSettings(rules: ZeroShotSettings.measuredRules, enabledKinds: kinds))
    for (text, embedding) in zip(texts, try embedder.embed(texts)) {
        print("\(text)\n  lexicon: \(AttributeExtractor.standard.extract(text).map(\.attribute))")
        for kind in AttributeKind.allCases {
            let ranked = classifier.similarities(embedding, kind: kind)
            let mean = ranked.reduce(0) { $0 + $1.similarity } / Float(ranked.count)
            let top = ranked.prefix(3).map { "\($0.value) \(format3(Double($0.similarity)))" }
            print("  \(kind.rawValue): \(top.joined(separator: ", ")) (score \(format3(Double(ranked[0].similarity - mean))))")
        }
    }
}
