import ArgumentParser
import StylecastClient

/// `stylecast services`: a server's gRPC services.
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
