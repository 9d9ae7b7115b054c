import StylecastDatasets
import StylecastForecast

/// VISUELLE's train.csv / test.csv and gtrends.csv, read into the forecaster's types.
enum VisuelleFiles {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The products of a split, sales as in the file (normalised: x 1,065 = units).
    static func products(path: String) throws -> [PastProduct] {
        let table = try CSVTable(path: path)
        let weeks = try (0..<12).map { try table.column(String($0)) }
        let category = try table.column("category")
        let color = try table.column("color")
        let fabric = try table.column("fabric")
        let season = try table.column("season")
        let extra = try table.column("extra")
        let release = try table.column("release_date")
        return try table.rows.map { row in
            let sales = try weeks.map { index in
                guard let value = Double(row[index]) else { throw Failure(description: "\(path): bad sales \(row[index])") }
                return value
            }
            let product = NewProduct(
                category: row[category], color: row[color], fabric: row[fabric], season: row[season],
                extra: row[extra], releaseDate: row[release])
            return PastProduct(product: product, weeklySales: sales)
        }
    }

    /// gtrends.csv: a `date` column, then one column per term.
    static func signals(path: String) throws -> [String: [(week: String, value: Double)]] {
        let table = try CSVTable(path: path)
        var signals: [String: [(week: String, value: Double)]] = [:]
        for (index, term) in table.header.enumerated().dropFirst() {
            signals[term] = table.rows.map { (week: $0[0], value: Double($0[index]) ?? -1) }
        }
        return signals
    }
}
