// new-product-bench VISUELLE_DIR
//
// The new-product forecast on VISUELLE's official split (train.csv to fit, the 497 products of
// test.csv scored over 12 weeks), beside the simple anchors in the same run. Hyper-parameters are
// chosen on the training set only: fit on train less the last-released quarter of its two latest
// seasons, score WAPE on that quarter, pick the best of a small grid, refit on all of train.
// Prints a Markdown table: WAPE = 100 sum|y - yhat| / sum y, MAE in units (sales x 1,065).
import BenchmarkSupport
import Foundation
import StylecastForecast

let unitsPerValue = 1_065.0
guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: new-product-bench VISUELLE_DIR\n".utf8))
    exit(2)
}
let directory = CommandLine.arguments[1]
let train = try VisuelleFiles.products(path: directory + "/train.csv")
let test = try VisuelleFiles.products(path: directory + "/test.csv")
let signals = try VisuelleFiles.signals(path: directory + "/gtrends.csv")
log("new-product-bench: \(train.count) train, \(test.count) test products, \(signals.count) trend terms")

// Validation split inside train, shaped like the official one (whose test products are the last
// released of SS19 and AW19): in each of the two seasons with the latest releases, the last
// quarter of the season's training products by release date.
let seasonsByRelease = Dictionary(grouping: train, by: \.product.season)
    .mapValues { $0.map(\.product.releaseDate).max() ?? "" }
    .sorted { ($0.value, $0.key) > ($1.value, $1.key) }
let latestSeasons = Set(seasonsByRelease.prefix(2).map(\.key))
var cutoffs: [String: String] = [:]
for season in latestSeasons {
    let dates = train.filter { $0.product.season == season }.map(\.product.releaseDate).sorted()
    cutoffs[season] = dates[dates.count * 3 / 4]
}
var fitPart: [PastProduct] = []
var validationPart: [PastProduct] = []
for product in train {
    if let cutoff = cutoffs[product.product.season], product.product.releaseDate >= cutoff {
        validationPart.append(product)
    } else {
        fitPart.append(product)
    }
}
log("validation: \(validationPart.count) released from \(cutoffs.sorted { $0.key < $1.key }), fit on \(fitPart.count)")

@MainActor
func score(_ forecaster: NewProductForecaster, on products: [PastProduct]) throws -> Score {
    let predicted = try products.map { try forecaster.forecast(product: $0.product, horizon: 12) }
    return Score(actual: products.map(\.weeklySales), predicted: predicted)
}

// Grid: neighbours, release kernel (weight, scale), ridge penalty, then the blend on the best.
var best = (wape: Double.infinity, configuration: NewProductConfiguration())
for neighbours in [5, 10, 20, 50] {
    for releaseWeight in [0.0, 1.0, 3.0, 10.0] {
        for scale in [7.0, 14.0, 30.0] {
            for fabricWeight in [0.5, 1.0] {
                let configuration = NewProductConfiguration(
                    neighbours: neighbours, fabricWeight: fabricWeight, releaseWeight: releaseWeight,
                    releaseScaleDays: scale, neighbourShare: 1)
                let wape = try score(.train(from: fitPart, signals: signals, configuration: configuration), on: validationPart).wape
                if wape < best.wape { best = (wape, configuration) }
            }
        }
    }
}
log(String(format: "validation kNN best: WAPE %.2f with %@", best.wape, String(describing: best.configuration)))
var blended = best
for penalty in [100.0, 1_000.0, 3_000.0, 10_000.0] {
    for cohortDays in [3, 7, 14] {
        for share in [0.0, 0.5, 0.6, 0.7, 0.8, 0.9] {
            var configuration = best.configuration
            configuration.ridgePenalty = penalty
            configuration.cohortDays = cohortDays
            configuration.neighbourShare = share
            let wape = try score(.train(from: fitPart, signals: signals, configuration: configuration), on: validationPart).wape
            if wape < blended.wape { blended = (wape, configuration) }
        }
    }
}
let chosen = blended.configuration
log(String(format: "validation blend best: WAPE %.2f with %@", blended.wape, String(describing: chosen)))

// The official split: refit on all of train, score the 497 test products.
var rows: [(name: String, validation: Double?, test: Score)] = []
@MainActor
func evaluate(_ name: String, validation: Double?, _ predict: (NewProduct) throws -> [Double]) throws {
    let predicted = try test.map { try predict($0.product) }
    rows.append((name, validation, Score(actual: test.map(\.weeklySales), predicted: predicted)))
}
try evaluate("Train mean curve", validation: nil, Baselines.trainMean(train))
try evaluate("Category mean curve", validation: nil, Baselines.categoryMean(train))
let plain = try NewProductForecaster.train(from: train, signals: signals, configuration: Baselines.plainNeighbours)
try evaluate("Attribute kNN (plain: category, colour, fabric; k = 20)", validation: nil) { try plain.forecast(product: $0) }
var neighboursOnly = chosen
neighboursOnly.neighbourShare = 1
var ridgeOnly = chosen
ridgeOnly.neighbourShare = 0
let timer = ContinuousClock.now
for (name, configuration, validation) in [
    ("Stylecast kNN part (attributes + release date)", neighboursOnly, best.wape),
    ("Stylecast ridge part (attributes, trends, calendar, cohort)", ridgeOnly, nil),
    ("**Stylecast NewProductForecaster** (blend)", chosen, blended.wape),
] {
    let model = try NewProductForecaster.train(from: train, signals: signals, configuration: configuration)
    try evaluate(name, validation: validation) { try model.forecast(product: $0) }
}
log("three Stylecast fits and forecasts: \(ContinuousClock.now - timer)")

print("| Model | Validation WAPE (train split) | Test WAPE | Test MAE (units) |")
print("|---|---|---|---|")
for row in rows {
    let validation = row.validation.map { String(format: "%.2f", $0) } ?? "-"
    print(String(format: "| %@ | %@ | %.2f | %.2f |", row.name, validation, row.test.wape, row.test.mae * unitsPerValue))
}
print("")
print("Chosen on the train split: \(chosen)")
