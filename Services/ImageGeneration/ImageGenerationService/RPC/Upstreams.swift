import GRPCCore
import GRPCNIOTransportHTTP2
import ServiceLifecycle
import StylecastClient
import StylecastErrors
import StylecastGRPC
import StylecastProto

/// A long-lived gRPC client to another Stylecast service, run beside the server as a
/// ServiceLifecycle service (it connects while `run()` runs and closes on graceful shutdown).
/// Every call has a timeout and does not wait for a connection (`waitForReady` off). A
/// required call that finds the peer unreachable is tried again after 0.2, 0.4 and 0.8 s (a
/// peer that is starting or restarting is found again), so a peer that stays down gives
/// UNAVAILABLE after about 1.5 s; an enrichment is tried once (the caller does without it).
/// Failures become ``ImageGenerationError``s that name the service.
final class UpstreamConnection: Service, Sendable {
    /// The service's name in errors, e.g. `"text-embedding"`.
    let name: String
    /// Where it listens.
    let endpoint: StylecastClient.Endpoint
    /// The client; usable once ``run()`` has started.
    let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let options: CallOptions

    /// - Parameters:
    ///   - name: The service's name in errors.
    ///   - endpoint: Where it listens.
    ///   - timeout: The longest a call may take.
    init(name: String, endpoint: StylecastClient.Endpoint, timeout: Duration) throws {
        self.name = name
        self.endpoint = endpoint
        client = try makeStylecastClient(to: endpoint)
        var options = CallOptions.defaults
        options.timeout = timeout
        options.waitForReady = false
        self.options = options
    }

    func run() async throws {
        let client = self.client
        try await withGracefulShutdownHandler {
            try await client.runConnections()
        } onGracefulShutdown: {
            client.beginGracefulShutdown()
        }
    }

    /// Makes one call and classifies its failure.
    /// - Parameters:
    ///   - field: The request field an INVALID_ARGUMENT answer is about, e.g. `"prompt"`.
    ///   - retryingUnavailable: Whether an UNAVAILABLE answer is tried again (three times,
    ///     0.2 s apart and doubling); off for an enrichment, which should degrade at once.
    ///   - body: The call, given the client and the call options to use.
    func call<Result: Sendable>(
        field: String,
        retryingUnavailable: Bool = true,
        _ body: (GRPCClient<HTTP2ClientTransport.Posix>, CallOptions) async throws -> Result
    ) async throws -> Result {
        var pause = Duration.milliseconds(200)
        for _ in 0..<(retryingUnavailable ? 3 : 0) {
            do {
                return try await body(client, options)
            } catch let error as RPCError where error.code == .unavailable {
                try await Task.sleep(for: pause)
                pause *= 2
            }
        }
        do {
            return try await body(client, options)
        } catch let error as RPCError {
            switch error.code {
            case .invalidArgument:
                throw InvalidInput(field: field, rule: "rejected by \(name): \(error.message)")
            case .deadlineExceeded:
                throw ImageGenerationError.upstreamDeadline(service: name)
            case .notFound:
                throw ImageGenerationError.upstreamAnswer(service: name, problem: error.message)
            case .cancelled:
                throw CancellationError()
            default:
                throw ImageGenerationError.upstreamUnavailable(
                    service: name, target: endpoint.description, reason: "\(error.code): \(error.message)")
            }
        }
    }
}

/// What the image-generation service asks of text-embedding and trend-aggregation.
struct Upstreams: DesignUpstreams {
    let textEmbedding: UpstreamConnection
    let trends: UpstreamConnection

    /// The attributes text-embedding extracts from a prompt.
    func attributes(of prompt: String) async throws -> [DesignAttribute] {
        let response = try await textEmbedding.call(field: "prompt") { client, options in
            try await Stylecast_V1_TextEmbedding.Client(wrapping: client).extractAttributes(
                .with { $0.texts = [prompt] }, options: options)
        }
        guard let list = response.results.first else {
            throw ImageGenerationError.upstreamAnswer(service: textEmbedding.name, problem: "no attributes for the prompt")
        }
        return list.attributes.map {
            DesignAttribute(kind: $0.kind, value: $0.value, confidence: $0.confidence, origin: $0.origin)
        }
    }

    /// The embeddings of texts, in order.
    func embeddings(of texts: [String], field: String) async throws -> [[Float]] {
        let response = try await textEmbedding.call(field: field) { client, options in
            try await Stylecast_V1_TextEmbedding.Client(wrapping: client).embed(.with { $0.texts = texts }, options: options)
        }
        guard response.embeddings.count == texts.count else {
            throw ImageGenerationError.upstreamAnswer(
                service: textEmbedding.name, problem: "\(response.embeddings.count) embeddings for \(texts.count) texts")
        }
        return response.embeddings.map(\.values)
    }

    /// The rising values of one attribute kind (every riser stage, fused over all markets and
    /// sources), strongest call first (trend-aggregation's ListTrends order).
    /// - Parameter required: Whether the caller cannot do without them (GenerateFromTrends);
    ///   an enrichment (Generate's palette) is asked once, without retries.
    func risingValues(kind: String, required: Bool) async throws -> [String] {
        let response = try await trends.call(field: "kind", retryingUnavailable: required) { client, options in
            try await Stylecast_V1_TrendAggregation.Client(wrapping: client).listTrends(
                .with {
                    $0.kind = kind
                    $0.stage = "up"
                    $0.limit = 100
                }, options: options)
        }
        return response.trends.map(\.attribute.value)
    }
}
