import ArgumentParser
import StylecastClient
import StylecastContracts

/// `stylecast`: the command-line client of the Stylecast services.
@main
struct StylecastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stylecast",
        abstract: "Run the Stylecast services on this machine and talk to them over gRPC.",
        discussion: """
            A session, from the repository root after `swift build -c release`:
              .build/release/stylecast up
              .build/release/stylecast ingest --source visuelle ../shared/data/visuelle/train.csv
              .build/release/stylecast status --wait-drained
              .build/release/stylecast trends --kind color
              .build/release/stylecast report --out out --designs 8
              .build/release/stylecast down
            scripts/demo.sh runs the whole pipeline on the shared data.
            """,
        subcommands: [
            UpCommand.self, DownCommand.self, StatusCommand.self, HealthCommand.self, ServicesCommand.self,
            IngestCommand.self, ItemCommand.self, TrendsCommand.self, MarketsCommand.self, RebuildTrendsCommand.self,
            DeadLettersCommand.self,
            ForecastCommand.self, RecommendCommand.self,
            GenerateCommand.self, ReportCommand.self, ClassifyCommand.self, EmbedCommand.self,
        ])
}

/// The five services' default gRPC endpoints on this machine.
let defaultEndpoints: [(name: String, endpoint: Endpoint)] = StylecastServiceName.allCases.map {
    ($0.rawValue, Endpoint.defaultEndpoint(of: $0))
}

extension Endpoint: ExpressibleByArgument {
    public init?(argument: String) {
        guard let endpoint = try? Endpoint(parsing: argument) else { return nil }
        self = endpoint
    }
}
