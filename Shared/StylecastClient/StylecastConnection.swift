import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastGRPC
import StylecastProto

/// The HTTP/2 transport to one Stylecast service: TLS when the credentials name a CA,
/// plaintext otherwise.
/// - Parameters:
///   - endpoint: The service's address: an IPv4 address or a DNS name.
///   - config: Transport settings (connection backoff, keepalive, ...).
///   - credentials: TLS trust (and token, used by the client built on it).
/// - Throws: When the transport cannot be created.
public func makeStylecastTransport(
    to endpoint: Endpoint, config: HTTP2ClientTransport.Posix.Config = .defaults,
    credentials: ClientCredentials = .fromEnvironment()
) throws -> HTTP2ClientTransport.Posix {
    let target: any ResolvableTarget =
        endpoint.host.split(separator: ".").count == 4 && endpoint.host.allSatisfy({ $0.isNumber || $0 == "." })
        ? .ipv4(address: endpoint.host, port: endpoint.port)
        : .dns(host: endpoint.host, port: endpoint.port)
    return try HTTP2ClientTransport.Posix(target: target, transportSecurity: credentials.transportSecurity, config: config)
}

/// A long-lived client for one Stylecast service, for services that call another: it connects
/// only while its `runConnections()` runs, which the caller runs beside its other work and
/// ends with `beginGracefulShutdown()`. A lost connection is retried after 100 ms, backing off
/// to at most 2 s (gRPC's default waits 1 s to 2 minutes), so that a restarted peer is found
/// again within about a second.
/// - Parameters:
///   - endpoint: The service's address.
///   - credentials: Token and TLS trust (default: `STYLECAST_AUTH_TOKEN`, `STYLECAST_TLS_CA`).
/// - Throws: When the transport cannot be created.
public func makeStylecastClient(
    to endpoint: Endpoint, credentials: ClientCredentials = .fromEnvironment()
) throws -> GRPCClient<HTTP2ClientTransport.Posix> {
    let config = HTTP2ClientTransport.Posix.Config.defaults { config in
        config.backoff = .init(initial: .milliseconds(100), max: .seconds(2), multiplier: 1.6, jitter: 0.2)
    }
    return GRPCClient(
        transport: try makeStylecastTransport(to: endpoint, config: config, credentials: credentials),
        interceptors: credentials.interceptors)
}

/// Opens an HTTP/2 gRPC connection to one Stylecast service for the duration of `body`, then
/// closes it.
/// - Parameters:
///   - endpoint: The service's address.
///   - credentials: Token and TLS trust (default: `STYLECAST_AUTH_TOKEN`, `STYLECAST_TLS_CA`).
///   - body: Work to do with the connected client.
public func withStylecastConnection<Result: Sendable>(
    to endpoint: Endpoint,
    credentials: ClientCredentials = .fromEnvironment(),
    _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
) async throws -> Result {
    try await withGRPCClient(
        transport: try makeStylecastTransport(to: endpoint, credentials: credentials),
        interceptors: credentials.interceptors, handleClient: body)
}
