import GRPCCore
import Prometheus

/// Counts every RPC by method and status code and records its latency, into Prometheus:
/// `stylecast_rpc_total{method,code}` and `stylecast_rpc_duration_seconds{method}`.
public struct RPCMetricsInterceptor: ServerInterceptor {
    private let registry: PrometheusCollectorRegistry

    /// Creates the interceptor.
    /// - Parameter registry: Where the metrics live; served by ``MetricsServer``.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let method = context.descriptor.fullyQualifiedMethod
        let registry = self.registry
        let start = ContinuousClock.now
        @Sendable func record(_ code: String) {
            registry.makeCounter(descriptor: Self.callsDescriptor, labels: [("method", method), ("code", code)])
                .increment()
            registry.makeDurationHistogram(
                descriptor: Self.durationDescriptor, labels: [("method", method)], buckets: Self.buckets
            ).recordNanoseconds((ContinuousClock.now - start).nanoseconds)
        }
        let response: StreamingServerResponse<Output>
        do {
            response = try await next(request, context)
        } catch {
            record(Self.codeName(of: error))
            throw error
        }
        switch response.accepted {
        case .failure(let error):
            record(error.code.description)
            return response
        case .success(var contents):
            let producer = contents.producer
            contents.producer = { writer in
                do {
                    let trailers = try await producer(writer)
                    record("ok")
                    return trailers
                } catch {
                    record(Self.codeName(of: error))
                    throw error
                }
            }
            return StreamingServerResponse(accepted: .success(contents))
        }
    }

    private static func codeName(of error: any Error) -> String {
        (error as? RPCError)?.code.description ?? "internalError"
    }

    private static var callsDescriptor: MetricNameDescriptor {
        MetricNameDescriptor(
        namespace: "stylecast", metricName: "rpc", unitName: "total",
            helpText: "RPCs handled, by method and status code")
    }
    private static var durationDescriptor: MetricNameDescriptor {
        MetricNameDescriptor(
        namespace: "stylecast", metricName: "rpc_duration", unitName: "seconds",
            helpText: "RPC latency from the request to the end of the response, by method")
    }

    private static let buckets: [Duration] = [
        .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5),
        .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500),
        .seconds(1), .seconds(5),
    ]
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
