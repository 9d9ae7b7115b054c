import Foundation
import StylecastCalendar
import StylecastContracts
import StylecastErrors
import StylecastForecast
import StylecastProto
import StylecastRedis
import StylecastServiceKit

/// `ForecastNewProduct`: a ``NewProductForecaster`` trained from the products with weekly sales
/// that reached the aggregator (VISUELLE) and the search-interest series ingest stored, retrained
/// when more products have arrived since the last training. With `as_of`, trained on what was
/// known by the end of that week only: products released with all their weekly sales by then, and
/// the search weeks up to it (the last such model is kept).
///
/// The products' own terms are used as the source wrote them (`extra["category_raw"]`,
/// `extra["color_raw"]` when ingest mapped them onto the canonical vocabulary), because the
/// search-interest series are named by those terms. Forecasts are in units: VISUELLE's
/// normalised sales x 1065.
actor NewProductModel {
    /// The set of product ids with weekly sales, filled by ``TrendAggregator``.
    static let productsKey = StylecastKeys.Trends.products

    private let redis: RedisClient
    private var model: NewProductForecaster?
    private var trainedOn = 0
    /// The last model trained for an `as_of` (day, products stored then, model).
    private var pastModel: (day: CivilDay, count: Int, model: NewProductForecaster)?

    init(redis: RedisClient) {
        self.redis = redis
    }

    /// The first weeks of sales of a product without history, in units.
    /// - Parameters:
    ///   - releaseDate: `YYYY-MM-DD`.
    ///   - horizon: Weeks to forecast; 0 for every week the model was trained on.
    ///   - asOf: Train on what was known by then (``TrendRequestRules/asOf(_:)``); empty for everything.
    /// - Throws: `InvalidInput` naming `release_date` or `horizon`; ``NoPastProducts`` before any
    ///   product with sales was aggregated.
    func forecast(
        category: String, color: String, fabric: String, season: String, releaseDate: String, horizon requested: Int,
        asOf: String
    ) async throws -> [Double] {
        guard let releaseDay = CivilDay(iso: releaseDate, allowingTrailingText: true)?.daysSinceEpoch,
            releaseDay > -25_000
        else {
            throw InvalidInput(field: "release_date", rule: "must be a date YYYY-MM-DD, got \"\(releaseDate)\"")
        }
        let asOf = try TrendRequestRules.asOf(asOf)
        let model = try await currentModel(asOf: asOf?.monday.adding(days: 6))
        let horizon = requested == 0 ? model.trainedWeeks : requested
        guard (1...model.trainedWeeks).contains(horizon) else {
            throw InvalidInput(field: "horizon", rule: "must be 0 (all) or 1-\(model.trainedWeeks), got \(requested)")
        }
        let product = NewProduct(
            category: category.lowercased(), color: color.lowercased(), fabric: fabric.lowercased(),
            season: season.uppercased(), releaseDate: String(releaseDate.prefix(10)))
        do {
            return try model.forecast(product: product, horizon: horizon).map { $0 * TrendAggregator.visuelleUnitsScale }
        } catch {
            throw InvalidInput(field: error.field == "product.releaseDate" ? "release_date" : error.field, rule: error.rule)
        }
    }

    /// The model trained on everything, or on what was known by the end of `cutDay`.
    private func currentModel(asOf cutDay: CivilDay?) async throws -> NewProductForecaster {
        let count = Int(try await redis.send("SCARD", RedisArgument(Self.productsKey)).integer ?? 0)
        guard count > 0 else { throw NoPastProducts() }
        if let cutDay {
            if let cached = pastModel, cached.day == cutDay, cached.count == count { return cached.model }
            let trained = try await train(releasedBy: cutDay)
            pastModel = (cutDay, count, trained)
            return trained
        }
        if let model, count == trainedOn { return model }
        let trained = try await train(releasedBy: nil)
        model = trained
        trainedOn = count
        return trained
    }

    /// Trains on the products released by `cutDay` and the search weeks up to it (all when `nil`).
    /// - Throws: ``NoPastProducts`` when none was released by then.
    private func train(releasedBy cutDay: CivilDay?) async throws -> NewProductForecaster {
        let ids = (try await redis.send("SMEMBERS", RedisArgument(Self.productsKey)).array ?? []).compactMap(\.string).sorted()
        var products: [PastProduct] = []
        for bytes in try await redis.values(of: ids.map(StylecastKeys.item)) {
            guard let bytes, let item = try? Stylecast_V1_FashionItem(serializedBytes: bytes),
                let sales = item.extra["weekly_sales"]
            else { continue }
            let weekly = sales.split(separator: ",", omittingEmptySubsequences: false)
                .compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !weekly.isEmpty else { continue }
            if let cutDay {
                // Known by then: released, with the weeks of sales up to the cut.
                guard let release = CivilDay(iso: item.releaseDate, allowingTrailingText: true), release <= cutDay,
                    release.monday.adding(days: 7 * (weekly.count - 1)) <= cutDay.monday
                else { continue }
            }
            products.append(
                PastProduct(
                    product: NewProduct(
                        category: (item.extra["category_raw"] ?? item.category).lowercased(),
                        color: (item.extra["color_raw"] ?? item.color).lowercased(), fabric: item.fabric,
                        season: item.season, extra: item.extra["extra"] ?? "", releaseDate: item.releaseDate),
                    weeklySales: weekly))
        }
        guard !products.isEmpty else { throw NoPastProducts(before: cutDay) }
        return try NewProductForecaster.train(from: products, signals: try await signals(upTo: cutDay))
    }

    /// The VISUELLE search-interest series by term, up to `cutDay` when given.
    private func signals(upTo cutDay: CivilDay?) async throws -> [String: [(week: String, value: Double)]] {
        let partitions = try await StreamPartitionsRecord.recorded(on: redis)
        let ids = try await redis.pipeline(partitions.all.map { ["SMEMBERS", RedisArgument(StylecastKeys.signalIDs(partition: $0))] })
            .flatMap { $0.array ?? [] }.compactMap(\.string).filter { $0.hasPrefix("visuelle:") }
        guard !ids.isEmpty else { return [:] }
        var signals: [String: [(week: String, value: Double)]] = [:]
        for bytes in try await redis.values(of: ids.map(StylecastKeys.signal)) {
            guard let bytes, let series = try? Stylecast_V1_SearchInterestSeries(serializedBytes: bytes) else {
                continue
            }
            signals[series.term] = series.points.filter { point in
                guard let cutDay else { return true }
                return CivilDay(iso: point.week, allowingTrailingText: true).map { $0 <= cutDay } ?? false
            }.map { ($0.week, $0.value) }
        }
        return signals
    }
}

/// `ForecastNewProduct` before any product with weekly sales was aggregated (or known by `as_of`).
struct NoPastProducts: StylecastError, Equatable {
    var before: CivilDay?

    init(before: CivilDay? = nil) { self.before = before }

    var failureKind: FailureKind { before == nil ? .unavailable : .invalidInput }
    var description: String {
        if let before {
            return "as_of: no product with all its weekly sales known by \(before.iso); give a later date"
        }
        return "no past products with weekly sales yet: ingest VISUELLE (stylecast ingest --source visuelle .../train.csv) and let the pipeline drain"
    }
}
