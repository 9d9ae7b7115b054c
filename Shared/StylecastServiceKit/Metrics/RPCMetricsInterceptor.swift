import GRPCCore
import Prometheus
import StylecastCalendar
import Synchronization

/// Counts every RPC by method and status code and records its latency, into Prometheus:
/// `stylecast_rpc_total{method,code}` and `stylecast_rpc_duration_seconds{method}`.
///
/// The metric objects of a method are made once and kept (``MethodMetrics``), so a call costs
/// two small dictionary lookups (method, then code) instead of the registry building metric
/// names and looking them up with their labels; the method's full name is built only the first
/// time it is seen.
public struct RPCMetricsInterceptor: ServerInterceptor {
    private let registry: PrometheusCollectorRegistry
    private let methods = MethodTable()

    /// Creates the interceptor.
    /// - Parameter registry: Where the metrics live; served by ``MetricsServer``.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// One method's latency histogram and its call counters by status code.
    final class MethodMetrics: Sendable {
        let duration: DurationHistogram
        private let calls: Mutex<[String: Counter]>
        private let method: String
        private let registry: PrometheusCollectorRegistry

        init(method: String, registry: PrometheusCollectorRegistry) {
            self.method = method
            self.registry = registry
            self.duration = registry.makeDurationHistogram(
                descriptor: RPCMetricsInterceptor.durationDescriptor, labels: [("method", method)],
                buckets: RPCMetricsInterceptor.buckets)
            self.calls = Mutex([:])
        }

        /// Counts one call that ended with `code` and records its latency.
        func record(_ code: String, since start: ContinuousClock.Instant) {
            let counter = calls.withLock { calls in
                if let counter = calls[code] { return counter }
                let counter = registry.makeCounter(
                    descriptor: RPCMetricsInterceptor.callsDescriptor, labels: [("method", method), ("code", code)])
                calls[code] = counter
                return counter
            }
            counter.increment()
            duration.recordNanoseconds((ContinuousClock.now - start).wholeNanoseconds)
        }
    }

    /// The metrics of every method seen so far.
    final class MethodTable: Sendable {
        let byMethod = Mutex<[MethodDescriptor: MethodMetrics]>([:])
    }

    private func metrics(of method: MethodDescriptor) -> MethodMetrics {
        methods.byMethod.withLock { methods in
            if let metrics = methods[method] { return metrics }
            let metrics = MethodMetrics(method: method.fullyQualifiedMethod, registry: registry)
            methods[method] = metrics
            return metrics
        }
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let metrics = metrics(of: context.descriptor)
        let start = ContinuousClock.now
        let response: StreamingServerResponse<Output>
        do {
            response = try await next(request, context)
        } catch {
            metrics.record(Self.codeName(of: error), since: start)
            throw error
        }
        switch response.accepted {
        case .failure(let error):
            metrics.record(error.code.description, since: start)
            return response
        case .success(var contents):
            let producer = contents.producer
            contents.producer = { writer in
                do {
                    let trailers = try await producer(writer)
                    metrics.record("ok", since: start)
                    return trailers
                } catch {
                    metrics.record(Self.codeName(of: error), since: start)
                    throw error
                }
            }
            return StreamingServerResponse(accepted: .success(contents))
        }
    }

    private static func codeName(of error: any Error) -> String {
        (error as? RPCError)?.code.description ?? "internalError"
    }

    fileprivate static var callsDescriptor: MetricNameDescriptor {
        MetricNameDescriptor(
        namespace: "stylecast", metricName: "rpc", unitName: "total",
            helpText: "RPCs handled, by method and status code")
    }
    fileprivate static var durationDescriptor: MetricNameDescriptor {
        MetricNameDescriptor(
        namespace: "stylecast", metricName: "rpc_duration", unitName: "seconds",
            helpText: "RPC latency from the request to the end of the response, by method")
    }

    fileprivate static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]
}
