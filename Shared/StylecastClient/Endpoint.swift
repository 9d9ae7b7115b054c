import StylecastContracts

/// Where a Stylecast service listens: a host (name or IPv4 address) and a port.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IPv4 address.
    public var host: String
    /// TCP port.
    public var port: Int

    /// Creates an endpoint.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`.
    /// - Throws: ``EndpointError`` naming what is wrong.
    public init(parsing text: String) throws(EndpointError) {
        guard let colon = text.lastIndex(of: ":") else { throw .missingPort(text) }
        let host = String(text[..<colon])
        guard !host.isEmpty else { throw .missingHost(text) }
        guard let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port) else {
            throw .badPort(text)
        }
        self.init(host: host, port: port)
    }

    public var description: String { "\(host):\(port)" }
}

/// Why a `host:port` text is not an endpoint.
public enum EndpointError: Error, CustomStringConvertible, Equatable {
    case missingPort(String)
    case missingHost(String)
    case badPort(String)

    public var description: String {
        switch self {
        case .missingPort(let text): "\"\(text)\" has no port: expected host:port"
        case .missingHost(let text): "\"\(text)\" has no host: expected host:port"
        case .badPort(let text): "\"\(text)\": the port must be a number from 1 to 65535"
        }
    }
}

extension Endpoint {
    /// Where `service` listens on the local stack by default (`127.0.0.1:50051` for ingest).
    public static func defaultEndpoint(of service: StylecastServiceName) -> Endpoint {
        Endpoint(host: StylecastServiceName.defaultHost, port: service.defaultGRPCPort)
    }
}
