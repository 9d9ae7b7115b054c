// attributes-eval: the Swift side of scripts/bench/attributes.sh. Measures lexicon attribute
// extraction against real labels and prints Markdown.
//
//   attributes-eval [--data DIR]      evaluation table (DIR: --data, else $STYLECAST_DATA_DIR,
//                                     else ../shared/data)
//   attributes-eval zero-shot [--data DIR] [--models DIR] [--sample N]
//                                     lexicon vs lexicon + zero-shot on every k-th row (N per
//                                     data set, default 1000); thresholds tuned on half of it
//   attributes-eval classify TEXT...  lexicon matches and the most similar prototypes per kind
//   attributes-eval mappings          the label -> canonical tables, as Markdown
//   attributes-eval lexicon           lexicon size per kind
//
// Colour vs Myntra baseColour and H&M colour_group_name, pattern vs H&M
// graphical_appearance_name, category vs Myntra articleType. Texts: Myntra productDisplayName;
// H&M prod_name + ". " + detail_desc.

import Foundation
import StylecastAttributes
import StylecastCalendar
import StylecastDatasets
import StylecastImageIO

/// The value after `name` in `arguments`, `nil` when it is absent.
func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func dataDirectory(_ arguments: [String]) -> String {
    option("--data", in: arguments) ?? ProcessInfo.processInfo.environment["STYLECAST_DATA_DIR"] ?? "../shared/data"
}

/// `--models DIR`, else `$STYLECAST_MODELS_DIR`, else `models`, with `/all-MiniLM-L6-v2` appended.
func modelDirectory(_ arguments: [String]) -> String {
    let environment = ProcessInfo.processInfo.environment["STYLECAST_MODELS_DIR"].flatMap { $0.isEmpty ? nil : $0 }
    return (option("--models", in: arguments) ?? environment ?? "models") + "/all-MiniLM-L6-v2"
}

/// `--sample N` (rows per data set, default 1000).
func sampleSize(_ arguments: [String]) -> Int {
    option("--sample", in: arguments).flatMap(Int.init).flatMap { $0 >= 2 ? $0 : nil } ?? 1000
}

func printMappings() {
    for mapping in LabelMapping.all {
        print("### \(mapping.name) -> \(mapping.kind)\n")
        print("| label | canonical (any counts as correct) |")
        print("|---|---|")
        for (label, values) in mapping.table.sorted(by: { $0.key < $1.key }) {
            print("| \(label) | \(values.isEmpty ? "unmapped" : values.joined(separator: ", ")) |")
        }
        print()
    }
}

func printLexiconSize() {
    print("| kind | canonical values | English forms | Chinese forms |")
    print("|---|---|---|---|")
    for kind in AttributeKind.allCases {
        let entries = Lexicon.standard.entries.filter { $0.kind == kind }
        let english = Set(entries.flatMap(\.english)).count
        let chinese = Set(entries.flatMap(\.chinese)).count
        print("| \(kind.rawValue) | \(Lexicon.standard.values(of: kind).count) | \(english) | \(chinese) |")
    }
    print("\nCompiled surface forms (with generated plurals and shade forms): \(AttributeExtractor.standard.surfaceFormCount)")
}

func evaluate(dataDirectory directory: String) throws {
    let myntra = try CSVTable(path: "\(directory)/myntra/styles.csv.gz")
    let hm = try CSVTable(path: "\(directory)/hm/articles_train.csv.gz")
    let myntraText = try myntra.column("productDisplayName")
    let hmName = try hm.column("prod_name")
    let hmDescription = try hm.column("detail_desc")
    let myntraTexts = myntra.rows.map { $0[myntraText] }
    let hmTexts = hm.rows.map { "\($0[hmName]). \($0[hmDescription])" }
    let columns = try LabelMapping.all.map { mapping in
        let table = mapping.isMyntra ? myntra : hm
        let column = try table.column(mapping.column)
        return (mapping: mapping, labels: table.rows.map { $0[column] }, malformed: table.malformedLines.count)
    }

    let extractor = AttributeExtractor.standard
    // Extraction timed once per distinct text set (Myntra names, H&M name + description).
    var timings: [(String, Int, Double)] = []
    func extractAll(_ name: String, _ texts: [String]) -> [[ExtractedAttribute]] {
        let start = ContinuousClock.now
        let results = texts.map(extractor.extract)
        timings.append((name, texts.count, (ContinuousClock.now - start).totalSeconds))
        return results
    }
    let myntraResults = extractAll("Myntra productDisplayName", myntraTexts)
    let hmResults = extractAll("H&M prod_name + detail_desc", hmTexts)

    print("| kind | labels | labelled items | unmapped | malformed rows skipped | predictions | precision | recall | coverage | first-match precision |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    var unmappedLines: [String] = []
    for column in columns {
        let results = column.mapping.isMyntra ? myntraResults : hmResults
        var score = Score()
        // Diagnostic: the wrong (surface -> value | label) pairs, the most frequent to stderr.
        var errors: [String: Int] = [:]
        for (label, found) in zip(column.labels, results) {
            let matches = found.filter { $0.kind.rawValue == column.mapping.kind }
            let accepted = column.mapping.accepted(label)
            score.add(label: label, accepted: accepted, predicted: matches.map(\.value))
            for attribute in matches where accepted.map({ !$0.contains(attribute.value) }) ?? false {
                errors["\(attribute.surface) -> \(attribute.value) | \(label)", default: 0] += 1
            }
        }
        if ProcessInfo.processInfo.environment["ATTRIBUTES_EVAL_ERRORS"] != nil {
            let top = errors.sorted { $0.value > $1.value }.prefix(40).map { "  \($0.value)  \($0.key)" }
            FileHandle.standardError.write(Data("\(column.mapping.name) errors:\n\(top.joined(separator: "\n"))\n".utf8))
        }
        print("| \(column.mapping.kind) | \(column.mapping.name) | \(score.labelled) | \(score.unmapped) | \(column.malformed) | \(score.predictions) | \(score.precision) | \(score.recall) | \(score.coverage) | \(score.firstPrecision) |")
        let unmapped = score.unmappedLabels.sorted { $0.value > $1.value }.map { "\($0.key) (\($0.value))" }
        unmappedLines.append("- \(column.mapping.name): \(unmapped.isEmpty ? "none" : unmapped.joined(separator: ", "))")
    }
    print("\nUnmapped labels (excluded):")
    unmappedLines.forEach { print($0) }
    print("\nExtraction speed (one thread, standard lexicon):")
    for (name, count, seconds) in timings {
        print("- \(name): \(count) texts in \(format3(seconds)) s = \(Int(Double(count) / seconds)) texts/s")
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "mappings": printMappings()
    case "lexicon": printLexiconSize()
    case nil, "--data": try evaluate(dataDirectory: dataDirectory(arguments))
    case "classify":
        try explainZeroShot(Array(arguments.dropFirst()), modelDirectory: modelDirectory([]))
    case "zero-shot":
        try evaluateZeroShot(
            dataDirectory: dataDirectory(arguments), modelDirectory: modelDirectory(arguments),
            sampleSize: sampleSize(arguments))
    default:
        FileHandle.standardError.write(Data(
            "attributes-eval: usage: attributes-eval [--data DIR] | zero-shot [--data DIR] [--models DIR] [--sample N] | classify TEXT... | mappings | lexicon\n".utf8))
        exit(1)
    }
} catch {
    FileHandle.standardError.write(Data("attributes-eval: \(error)\n".utf8))
    exit(1)
}
