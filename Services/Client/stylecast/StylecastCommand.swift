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

struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check grpc.health.v1 of services; exits 1 unless all are SERVING.")

    @Option(name: .customLong("target"), help: "host:port to check (repeatable); default: the five local services.")
    var targets: [Endpoint] = []

    @Option(help: "Call deadline in milliseconds.")
    var timeoutMs: Int = 2000

    func run() async throws {
        let endpoints = targets.isEmpty ? defaultEndpoints : targets.map { ($0.description, $0) }
        var allServing = true
        for (name, endpoint) in endpoints {
            let status = await healthStatus(endpoint, timeout: .milliseconds(timeoutMs), explained: true)
            if status != "SERVING" { allServing = false }
            print("\(name)\t\(endpoint)\t\(status)")
        }
        if !allServing { throw ExitCode(1) }
    }
}

struct ServicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services", abstract: "List a server's gRPC services by reflection.")

    @Option(help: "host:port of the server.")
    var target: Endpoint

    func run() async throws {
        let names = try await withStylecastConnection(to: target) { client in
            try await ServiceProbe(client: client).services()
        }
        for name in names { print(name) }
    }
}
