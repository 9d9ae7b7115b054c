import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// What a client presents to Stylecast services, from the environment: the bearer token
/// (`STYLECAST_AUTH_TOKEN`) and, for TLS, the CA certificate that signed the services'
/// certificates (`STYLECAST_TLS_CA`, a PEM file). Both optional: without them a client talks
/// plaintext and sends no token.
public struct ClientCredentials: Sendable {
    /// The bearer token sent with every call, if any.
    public var token: String?
    /// PEM file of the CA to trust; set = connect with TLS.
    public var certificateAuthorityPath: String?

    /// - Parameters:
    ///   - token: The bearer token, or nil.
    ///   - certificateAuthorityPath: A PEM CA file to trust (TLS), or nil (plaintext).
    public init(token: String? = nil, certificateAuthorityPath: String? = nil) {
        self.token = token
        self.certificateAuthorityPath = certificateAuthorityPath
    }

    /// `STYLECAST_AUTH_TOKEN` and `STYLECAST_TLS_CA`; empty values count as unset.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ClientCredentials {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        return ClientCredentials(token: value("STYLECAST_AUTH_TOKEN"), certificateAuthorityPath: value("STYLECAST_TLS_CA"))
    }

    /// The transport security these credentials ask for.
    var transportSecurity: HTTP2ClientTransport.Posix.TransportSecurity {
        guard let certificateAuthorityPath else { return .plaintext }
        return .tls { config in
            config.trustRoots = .certificates([.file(path: certificateAuthorityPath, format: .pem)])
        }
    }

    /// The interceptors that add the token to every call.
    var interceptors: [any ClientInterceptor] {
        token.map { [BearerTokenClientInterceptor(token: $0)] } ?? []
    }
}

/// Adds `authorization: Bearer <token>` to every call.
struct BearerTokenClientInterceptor: ClientInterceptor {
    let token: String

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>,
        context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        var request = request
        request.metadata.replaceOrAddString("Bearer \(token)", forKey: "authorization")
        return try await next(request, context)
    }
}
