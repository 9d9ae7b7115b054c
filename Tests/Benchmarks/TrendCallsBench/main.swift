// trend-calls-bench [--data DIR] [--select | --compare-forecasters]
//
// The trend-call backtest of docs/trends.md on the shared Google Trends set (1,056 series, 32
// markets) and the VISUELLE search series: at every 4th week from the first with 64 weeks of
// history to the last with 12 weeks after it, each series is called up, down or flat from the
// weeks up to that origin only, and scored against what happened. Our calls (stage -> direction),
// the momentum baseline and the first version's rules (4-week slope) are computed in the same run; the first and
// second half of each set's origins are reported separately. --select runs the parameter grid on
// the first halves only and prints the choice; --compare-forecasters scores the same calls made
// with the AutoForecaster's forecast instead, on the first halves only.
import Foundation
import StylecastTrends

var dataDirectory = ProcessInfo.processInfo.environment["STYLECAST_DATA_DIR"] ?? "../shared/data"
var select = false
var compareForecasters = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--data": dataDirectory = arguments.popFirst() ?? dataDirectory
    case "--select": select = true
    case "--compare-forecasters": compareForecasters = true
    default:
        FileHandle.standardError.write(Data("usage: trend-calls-bench [--data DIR] [--select | --compare-forecasters]\n".utf8))
        exit(2)
    }
}

func progress(_ message: String) { FileHandle.standardError.write(Data("trend-calls-bench: \(message)\n".utf8)) }

progress("reading the search series from \(dataDirectory) ...")
let sets = [
    try BacktestSet.searchSeries(
        name: "Google Trends", source: .gtrends, path: "\(dataDirectory)/gtrends/covid19_fashion_weekly.csv.gz"),
    try BacktestSet.searchSeries(name: "VISUELLE search", source: .visuelle, path: "\(dataDirectory)/visuelle/gtrends.csv"),
]

if compareForecasters {
    print(ForecasterComparison.run(sets: sets, progress: progress))
} else {
    progress("reading the count sources (VISUELLE products, H&M articles and purchases) ...")
    let countSources = try CountSource.visuelle(dataDirectory: dataDirectory) + CountSource.hm(dataDirectory: dataDirectory)
    if select {
        print(ParameterSelection.run(search: sets, countSources: countSources, progress: progress))
        exit(0)
    }
    for set in sets + countSources {
        print(Backtest.run(set: set, parameters: .standard).table)
        print()
    }
}
