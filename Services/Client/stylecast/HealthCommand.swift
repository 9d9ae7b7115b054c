import ArgumentParser
import StylecastClient

/// `stylecast health`: the health of services.
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
