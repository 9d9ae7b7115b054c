import Foundation
import StylecastForecast

/// VISUELLE's train.csv / test.csv (no quoted fields) and gtrends.csv, read into the forecaster's types.
enum VisuelleFiles {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The products of a split, sales as in the file (normalised: x 1,065 = units).
    static func products(path: String) throws -> [PastProduct] {
        let (header, rows) = try table(path: path)
        func column(_ name: String) throws -> Int {
            guard let index = header.firstIndex(of: name) else { throw Failure(description: "\(path): no column \(name)") }
            return index
        }
        let weeks = try (0..<12).map { try column(String($0)) }
        let category = try column("category")
        let color = try column("color")
        let fabric = try column("fabric")
        let season = try column("season")
        let extra = try column("extra")
        let release = try column("release_date")
        return try rows.map { row in
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
        let (header, rows) = try table(path: path)
        var signals: [String: [(week: String, value: Double)]] = [:]
        for (index, term) in header.enumerated().dropFirst() {
            signals[term] = rows.map { (week: $0[0], value: Double($0[index]) ?? -1) }
        }
        return signals
    }

    private static func table(path: String) throws -> (header: [String], rows: [[String]]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        guard let header = lines.first else { throw Failure(description: "\(path): empty") }
        return (header, lines.dropFirst().filter { $0.count == header.count })
    }
}
