import Foundation

/// One benchmark series as scripts/bench/forecast_anchors.py writes it.
struct BenchSeries: Decodable {
    var dataset: String
    var id: String
    var season: Int
    var train: [Double]
    var test: [Double]

    /// Reads a JSON-lines file of series.
    static func load(path: String) throws -> [BenchSeries] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").filter { !$0.isEmpty }.map {
            try decoder.decode(BenchSeries.self, from: Data($0.utf8))
        }
    }
}

/// One output line: a forecast, or the wall time of one method on one data set.
struct BenchRecord: Encodable {
    var kind: String
    var dataset: String
    var model: String
    var id: String?
    var selected: String?
    var mean: [Double]?
    var seconds: Double?
}
