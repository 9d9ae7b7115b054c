import StylecastForecast

/// The simple anchors every new-product model must beat, computed in the same run.
enum Baselines {
    /// The mean training curve for every product.
    static func trainMean(_ train: [PastProduct]) -> (NewProduct) -> [Double] {
        let mean = meanCurve(train.map(\.weeklySales))
        return { _ in mean }
    }

    /// The mean curve of the training products of the same category (the train mean if none).
    static func categoryMean(_ train: [PastProduct]) -> (NewProduct) -> [Double] {
        let global = meanCurve(train.map(\.weeklySales))
        let byCategory = Dictionary(grouping: train, by: \.product.category).mapValues { meanCurve($0.map(\.weeklySales)) }
        return { byCategory[$0.category] ?? global }
    }

    /// Plain attribute kNN: category, colour and fabric matches weigh 1 each, nothing else, 20 neighbours.
    static let plainNeighbours = NewProductConfiguration(
        neighbours: 20, categoryWeight: 1, colorWeight: 1, fabricWeight: 1, extraWeight: 0, releaseWeight: 0,
        neighbourShare: 1)

    static func meanCurve(_ curves: [[Double]]) -> [Double] {
        var mean = [Double](repeating: 0, count: curves.first?.count ?? 0)
        for curve in curves { for w in mean.indices { mean[w] += curve[w] } }
        return mean.map { $0 / Double(max(curves.count, 1)) }
    }
}

/// WAPE (percent) and MAE over every (product, week) of a split.
struct Score {
    var wape: Double
    var mae: Double

    init(actual: [[Double]], predicted: [[Double]]) {
        var absolute = 0.0
        var total = 0.0
        var count = 0
        for (y, p) in zip(actual, predicted) {
            for w in y.indices {
                absolute += abs(y[w] - p[w])
                total += y[w]
                count += 1
            }
        }
        wape = 100 * absolute / total
        mae = absolute / Double(max(count, 1))
    }
}
