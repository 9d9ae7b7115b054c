import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastClient
import StylecastProto
import StylecastTestSupport
import Testing

@Suite("trend-aggregation Forecast over gRPC", .serialized, .timeLimit(.minutes(3)))
struct TrendForecastRPCTests {
    func withService(
        _ body: (Stylecast_V1_TrendAggregation.Client<HTTP2ClientTransport.Posix>, RunningService) async throws -> Void
    ) async throws {
        let redis = try await TestRedisServer.start()
        defer { redis.stop() }
        let service = try IngestHarness.startService(
            "trend-aggregation", grpcService: "stylecast.v1.TrendAggregation", redisPort: redis.port)
        defer { if service.process.isRunning { service.process.send(signal: SIGKILL) } }
        try #require(await service.waitFor("SERVING", timeout: .seconds(60)) != nil, "\(service.process.output())")
        try await withStylecastConnection(to: service.endpoint) { client in
            try await body(Stylecast_V1_TrendAggregation.Client(wrapping: client), service)
        }
        service.process.send(signal: SIGTERM)
        #expect(await service.process.waitForExit(timeout: .seconds(10)) == 0)
    }

    @Test("a seasonal series: horizon points inside their 80% interval; a rising line keeps rising")
    func forecasts() async throws {
        try await withService { client, _ in
            let seasonal: [Double] = (0..<104).map { (week: Int) -> Double in
                let phase = Double(week) * 2 * Double.pi / 52
                return 50 + 20 * sin(phase) + Double(week % 3)
            }
            let response = try await client.forecast(.with {
                $0.history = seasonal
                $0.horizon = 12
                $0.seasonLength = 52
            })
            #expect(response.point.count == 12 && response.lower.count == 12 && response.upper.count == 12)
            for (point, (lower, upper)) in zip(response.point, zip(response.lower, response.upper)) {
                #expect(lower <= point && point <= upper)
            }
            #expect(!response.model.isEmpty)
            // Next season's first weeks follow last season's shape (rising from 50 towards 70).
            #expect(response.point[0] < response.point[10])
            let line = try await client.forecast(.with {
                $0.history = (0..<30).map { 10 + 2 * Double($0) }
                $0.horizon = 3
            })
            #expect(line.point[0] > 66 && line.point[2] > line.point[0])
        }
    }

    @Test("NaN, an empty history, a horizon of 10,000, a season length of 2^32-1: INVALID_ARGUMENT naming the field")
    func badInput() async throws {
        try await withService { client, service in
            let cases: [(Stylecast_V1_ForecastRequest, String)] = [
                (.with { $0.history = [1, .nan, 3]; $0.horizon = 2 }, "history[1]"),
                (.with { $0.history = []; $0.horizon = 2 }, "history"),
                (.with { $0.history = [1, 2, 3]; $0.horizon = 10_000 }, "horizon"),
                (.with { $0.history = [1, 2, 3]; $0.horizon = 0 }, "horizon"),
                (.with { $0.history = [1, 2, 3]; $0.horizon = 2; $0.seasonLength = UInt32.max }, "season_length"),
            ]
            for (request, field) in cases {
                await #expect {
                    _ = try await client.forecast(request)
                } throws: { error in
                    guard let error = error as? RPCError else { return false }
                    return error.code == .invalidArgument && error.message.hasPrefix(field + ":")
                }
            }
            #expect(await service.health() == "SERVING")
        }
    }
}
