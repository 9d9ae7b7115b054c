import Foundation
import Testing

import StylecastDatasets
import StylecastForecast

/// On the real VISUELLE files (`STYLECAST_DATA_DIR`, by default `../shared/data` beside the package).
@Suite("New-product forecasts on VISUELLE")
struct NewProductVisuelleTests {
    static let directory =
        (ProcessInfo.processInfo.environment["STYLECAST_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/../shared/data") + "/visuelle"

    static func rows(_ name: String) throws -> (header: [String], rows: [[String]]) {
        let table = try CSVTable(path: directory + "/" + name)
        return (table.header, table.rows)
    }

    static func products(_ name: String) throws -> [PastProduct] {
        let (header, rows) = try rows(name)
        let at = { (column: String) in header.firstIndex(of: column)! }
        return rows.map { row in
            PastProduct(
                product: NewProduct(
                    category: row[at("category")], color: row[at("color")], fabric: row[at("fabric")],
                    season: row[at("season")], extra: row[at("extra")], releaseDate: row[at("release_date")]),
                weeklySales: (0..<12).map { Double(row[at(String($0))])! })
        }
    }

    static func wape(_ actual: [[Double]], _ predicted: [[Double]]) -> Double {
        var error = 0.0
        var total = 0.0
        for (y, p) in zip(actual, predicted) {
            for w in y.indices {
                error += abs(y[w] - p[w])
                total += y[w]
            }
        }
        return 100 * error / total
    }

    @Test("trained on train.csv, the test-set WAPE is below the train mean curve's")
    func beatsTrainMean() throws {
        let train = try Self.products("train.csv")
        let test = try Self.products("test.csv")
        let (header, rows) = try Self.rows("gtrends.csv")
        var signals: [String: [(week: String, value: Double)]] = [:]
        for (index, term) in header.enumerated().dropFirst() {
            signals[term] = rows.map { (week: $0[0], value: Double($0[index]) ?? -1) }
        }
        #expect(train.count == 5_080)
        #expect(test.count == 497)
        #expect(signals.count == 96)

        let model = try NewProductForecaster.train(from: train, signals: signals)
        #expect(model.trainedWeeks == 12)
        let actual = test.map(\.weeklySales)
        let ours = try test.map { try model.forecast(product: $0.product) }
        let mean = model.meanCurve
        let baseline = Self.wape(actual, Array(repeating: mean, count: test.count))
        let wape = Self.wape(actual, ours)
        #expect(wape < baseline, "ours \(wape), train mean \(baseline)")
        #expect(baseline > 60 && baseline < 63)
    }
}
