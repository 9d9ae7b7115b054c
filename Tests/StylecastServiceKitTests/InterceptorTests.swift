import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Prometheus
import StylecastErrors
import StylecastGRPC
import StylecastProto
import StylecastServiceKit
import Testing

/// A TextEmbedding service whose RPCs fail in the ways the interceptors must translate.
struct FailingEmbeddingService: Stylecast_V1_TextEmbedding.SimpleServiceProtocol {
    func embed(request: Stylecast_V1_EmbedRequest, context: ServerContext) async throws -> Stylecast_V1_EmbedResponse {
        throw InvalidInput(field: "texts", rule: "must hold at most 2 texts")
    }

    func tokenize(request: Stylecast_V1_TokenizeRequest, context: ServerContext) async throws -> Stylecast_V1_TokenizeResponse {
        struct Unexpected: Error {}
        throw Unexpected()
    }

    func extractAttributes(
        request: Stylecast_V1_ExtractAttributesRequest, context: ServerContext
    ) async throws -> Stylecast_V1_ExtractAttributesResponse {
        .with { $0.results = request.texts.map { _ in .init() } }
    }

    func info(request: Stylecast_V1_InfoRequest, context: ServerContext) async throws -> Stylecast_V1_InfoResponse {
        throw RPCError(code: .permissionDenied, message: "kept as is")
    }
}

@Suite("Interceptors over a real HTTP/2 server", .timeLimit(.minutes(1)))
struct InterceptorTests {
    @Test("errors become their table status over the wire and every call is counted by code")
    func errorsAndMetrics() async throws {
        let registry = PrometheusCollectorRegistry()
        let server = GRPCServer(
            transport: HTTP2ServerTransport.Posix(
                address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext),
            services: [FailingEmbeddingService()],
            interceptors: [
                RPCMetricsInterceptor(registry: registry),
                ErrorMappingInterceptor(logger: Logger(label: "test")),
            ])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            guard let port = try await server.transport.listeningAddress.ipv4?.port else {
                Issue.record("server has no IPv4 address")
                return
            }
            let transport = try HTTP2ClientTransport.Posix(
                target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
            try await withGRPCClient(transport: transport) { client in
                let embedding = Stylecast_V1_TextEmbedding.Client(wrapping: client)
                await #expect {
                    _ = try await embedding.embed(.with { $0.texts = ["a", "b", "c"] })
                } throws: { error in
                    let error = error as? RPCError
                    return error?.code == .invalidArgument && error?.message == "texts: must hold at most 2 texts"
                }
                await #expect {
                    _ = try await embedding.tokenize(.init())
                } throws: { error in
                    let error = error as? RPCError
                    return error?.code == .internalError && error?.message == "internal error (Unexpected)"
                }
                await #expect {
                    _ = try await embedding.info(.init())
                } throws: { error in
                    (error as? RPCError)?.code == .permissionDenied
                }
                let attributes = try await embedding.extractAttributes(.with { $0.texts = ["x", "y"] })
                #expect(attributes.results.count == 2)
            }
            let metrics = registry.emitToString()
            #expect(metrics.contains(#"stylecast_rpc_total{method="stylecast.v1.TextEmbedding/Embed",code="invalidArgument"} 1"#))
            #expect(metrics.contains(#"stylecast_rpc_total{method="stylecast.v1.TextEmbedding/Tokenize",code="internalError"} 1"#))
            #expect(metrics.contains(#"stylecast_rpc_total{method="stylecast.v1.TextEmbedding/ExtractAttributes",code="ok"} 1"#))
            server.beginGracefulShutdown()
        }
    }
}
