import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle
import StylecastClient
import StylecastGRPC
import StylecastProto

/// Reads the rising categories and colours from trend-aggregation (`ListTrends`, stage `up`)
/// every `STYLECAST_REC_TRENDS_REFRESH_S` and hands them to the engine for `trend_boost`.
/// While trend-aggregation cannot be reached the last calls stay in use (none at first: the
/// boost then changes nothing), and it tries again at the next interval.
struct TrendCallFollower: Service {
    private let engine: RecommendationEngine
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let interval: Duration
    private let logger: Logger
    /// Most calls read per kind.
    static let limit: UInt32 = 1000

    init(engine: RecommendationEngine, trends: StylecastClient.Endpoint, interval: Duration, logger: Logger) throws {
        self.engine = engine
        self.client = try makeStylecastClient(to: trends)
        self.interval = interval
        self.logger = logger
    }

    func run() async throws {
        let client = self.client
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                try await withGracefulShutdownHandler {
                    try await client.runConnections()
                } onGracefulShutdown: {
                    client.beginGracefulShutdown()
                }
            }
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    let rising = try await risingAttributes()
                    engine.updateRisingAttributes(rising)
                } catch {
                    logger.warning("trend calls not read; the trend boost keeps the last ones", metadata: ["error": "\(error)"])
                }
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                } catch {
                    break
                }
            }
            client.beginGracefulShutdown()
        }
    }

    private func risingAttributes() async throws -> [RisingAttribute] {
        let trends = Stylecast_V1_TrendAggregation.Client(wrapping: client)
        var options = CallOptions.defaults
        options.timeout = .seconds(10)
        options.waitForReady = false
        var rising: [RisingAttribute] = []
        for kind in TrendSignals.kinds {
            let response = try await trends.listTrends(
                .with {
                    $0.kind = kind.rawValue
                    $0.stage = "up"
                    $0.limit = Self.limit
                }, options: options)
            rising += response.trends.map {
                RisingAttribute(kind: kind, value: $0.attribute.value, strength: Float($0.confidence))
            }
        }
        return rising
    }
}
