import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastProto

/// Opens a plaintext HTTP/2 gRPC connection to one Stylecast service for the duration of
/// `body`, then closes it.
/// - Parameters:
///   - endpoint: The service's address.
///   - body: Work to do with the connected client.
public func withStylecastConnection<Result: Sendable>(
    to endpoint: Endpoint,
    _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
) async throws -> Result {
    let target: any ResolvableTarget =
        endpoint.host.split(separator: ".").count == 4 && endpoint.host.allSatisfy({ $0.isNumber || $0 == "." })
        ? .ipv4(address: endpoint.host, port: endpoint.port)
        : .dns(host: endpoint.host, port: endpoint.port)
    let transport = try HTTP2ClientTransport.Posix(target: target, transportSecurity: .plaintext)
    return try await withGRPCClient(transport: transport) { client in
        try await body(client)
    }
}
