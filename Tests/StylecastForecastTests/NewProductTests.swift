import Foundation
import StylecastErrors
import Testing

import StylecastForecast

@Suite("New-product forecasts")
struct NewProductTests {
    static func past(_ category: String, _ color: String, _ fabric: String, _ sales: [Double], date: String = "2019-01-07")
        -> PastProduct
    {
        PastProduct(
            product: NewProduct(category: category, color: color, fabric: fabric, season: "SS19", releaseDate: date),
            weeklySales: sales)
    }

    static let tiny = [
        past("dress", "red", "cotton", [1, 2, 3]),
        past("dress", "blue", "cotton", [3, 4, 5]),
        past("shirt", "red", "silk", [10, 10, 10]),
    ]
    /// Category, colour and fabric matches only: no extra attribute, release-date kernel or regression.
    static let neighboursOnly = NewProductConfiguration(neighbours: 2, extraWeight: 0, releaseWeight: 0, neighbourShare: 1)

    @Test("the kNN forecast is the mean curve of the products sharing category and fabric")
    func neighbourAverage() throws {
        let model = try NewProductForecaster.train(from: Self.tiny, signals: [:], configuration: Self.neighboursOnly)
        let product = NewProduct(category: "dress", color: "green", fabric: "cotton", season: "SS19", releaseDate: "2019-02-04")
        #expect(try model.forecast(product: product, horizon: 3) == [2, 3, 4])
        #expect(try model.forecast(product: product, horizon: 2) == [2, 3])
    }

    @Test("a product matching nothing, with an unknown category, gets the global mean curve")
    func unknownFallsBack() throws {
        let model = try NewProductForecaster.train(from: Self.tiny, signals: [:], configuration: Self.neighboursOnly)
        let product = NewProduct(category: "kimono", color: "teal", fabric: "hemp", season: "AW30", releaseDate: "2030-09-01")
        let forecast = try model.forecast(product: product, horizon: 3)
        #expect(model.meanCurve == [14.0 / 3, 16.0 / 3, 6])
        #expect(forecast == model.meanCurve)
    }

    @Test("the default blend forecasts unknown values without error, never below zero")
    func defaultBlendUnknown() throws {
        let model = try NewProductForecaster.train(from: Self.tiny, signals: [:])
        let product = NewProduct(category: "kimono", color: "red", fabric: "hemp", season: "AW30", releaseDate: "2019-01-09")
        let forecast = try model.forecast(product: product, horizon: 3)
        #expect(forecast.count == 3)
        #expect(forecast.allSatisfy { $0.isFinite && $0 >= 0 })
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var horizon = 3
        var releaseDate = "2019-02-04"
        var field: String
        var testDescription: String { "\(field): horizon \(horizon), \(releaseDate)" }
    }

    @Test(
        "invalid forecast requests are rejected with the field named",
        arguments: [
            Case(horizon: 0, field: "horizon"), Case(horizon: 4, field: "horizon"),
            Case(releaseDate: "2019-02-30", field: "product.releaseDate"),
            Case(releaseDate: "next spring", field: "product.releaseDate"),
        ])
    func forecastRejected(_ c: Case) throws {
        let model = try NewProductForecaster.train(from: Self.tiny, signals: [:])
        let product = NewProduct(category: "dress", color: "red", fabric: "cotton", season: "SS19", releaseDate: c.releaseDate)
        let error = #expect(throws: InvalidInput.self) { _ = try model.forecast(product: product, horizon: c.horizon) }
        #expect(error?.field == c.field)
    }

    @Test("invalid training sets are rejected with the field named")
    func trainingRejected() {
        func field(_ products: [PastProduct], _ configuration: NewProductConfiguration = .init()) -> String? {
            do {
                _ = try NewProductForecaster.train(from: products, signals: [:], configuration: configuration)
                return nil
            } catch {
                return error.field
            }
        }
        #expect(field([]) == "products")
        #expect(field([Self.tiny[0], Self.past("dress", "red", "silk", [1], date: "2019-13-01")]) == "products[1].releaseDate")
        #expect(field([Self.tiny[0], Self.past("dress", "red", "silk", [])]) == "products[1].weeklySales")
        #expect(field([Self.past("dress", "red", "silk", [1, .nan])]) == "products[0].weeklySales[1]")
        #expect(field(Self.tiny, NewProductConfiguration(neighbours: 0)) == "configuration")
    }

    @Test("the horizon limit is the training curves' length, stated in the message")
    func horizonMessage() throws {
        let model = try NewProductForecaster.train(from: Self.tiny, signals: [:])
        #expect(model.trainedWeeks == 3)
        let error = #expect(throws: InvalidInput.self) { _ = try model.forecast(product: Self.tiny[0].product, horizon: 12) }
        #expect(error?.description == "horizon: must be between 1 and 3 (got 12)")
    }

    @Test("search interest before release moves the forecast of a category never seen")
    func trendsMatter() throws {
        // Forty categories: those whose search interest rose in the year before release sold twice as much.
        var products: [PastProduct] = []
        var signals: [String: [(week: String, value: Double)]] = [:]
        func series(rising: Bool) -> [(week: String, value: Double)] {
            (0..<52).map { w in (week: Self.mondays[w], value: rising ? 2 * Double(w) : 50) }
        }
        for index in 0..<40 {
            let rising = index % 2 == 0
            products.append(Self.past("c\(index)", "red", "cotton", rising ? [2, 2] : [1, 1], date: "2019-06-03"))
            signals["c\(index)"] = series(rising: rising)
        }
        signals["new rising"] = series(rising: true)
        signals["new flat"] = series(rising: false)
        let model = try NewProductForecaster.train(
            from: products, signals: signals, configuration: NewProductConfiguration(ridgePenalty: 1, neighbourShare: 0))
        func forecast(_ category: String) throws -> [Double] {
            try model.forecast(
                product: NewProduct(category: category, color: "red", fabric: "cotton", season: "SS19", releaseDate: "2019-06-03"),
                horizon: 2)
        }
        let rising = try forecast("new rising")
        let flat = try forecast("new flat")
        // The one-hot categories share the credit with the trend features, so the effect is shrunk.
        #expect(rising[0] > 1.6)
        #expect(flat[0] < 1.4)
    }

    /// The 52 Mondays from 2018-06-04 (the year before 2019-06-03), as `YYYY-MM-DD`.
    static let mondays: [String] = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.date(from: DateComponents(year: 2018, month: 6, day: 4))!
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        return (0..<52).map { formatter.string(from: calendar.date(byAdding: .day, value: 7 * $0, to: start)!) }
    }()
}
