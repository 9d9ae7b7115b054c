import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastClient
import StylecastContracts
import StylecastGRPC
import StylecastRedis
import StylecastTestSupport
import Testing

/// One of the five built service executables, running against a test Redis.
struct RunningService {
    var name: String
    var process: ChildProcess
    var endpoint: StylecastClient.Endpoint

    /// The health status of the whole server, or `UNREACHABLE`.
    func health() async -> String {
        do {
            return try await withClient(ServiceProbe.init) { try await $0.health(timeout: .seconds(1)) }
        } catch {
            return "UNREACHABLE"
        }
    }

    /// Connects to it and runs `body` with a client over the connection.
    /// - Parameters:
    ///   - wrap: Makes the client, e.g. `Stylecast_V1_Ingest.Client.init`.
    ///   - body: What to do with it.
    func withClient<Wrapped, Result: Sendable>(
        _ wrap: (GRPCClient<HTTP2ClientTransport.Posix>) -> Wrapped, _ body: (Wrapped) async throws -> Result
    ) async throws -> Result {
        try await withStylecastConnection(to: endpoint) { try await body(wrap($0)) }
    }

    /// Waits until `health()` answers `status`; returns how long that took, `nil` past `timeout`.
    func waitFor(_ status: String, timeout: Duration) async -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if await health() == status { return ContinuousClock.now - start }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// Requires it to answer SERVING within `timeout`, naming it and showing its output if not.
    func requireServing(timeout: Duration, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let ready = await waitFor("SERVING", timeout: timeout)
        try #require(ready != nil, "\(name) never became SERVING:\n\(process.output())", sourceLocation: sourceLocation)
    }

    /// Sends SIGTERM and waits up to 10 s for it to exit.
    /// - Returns: Its exit status, `nil` if it had to be killed.
    @discardableResult
    func stop() async -> Int32? {
        process.send(signal: SIGTERM)
        return await process.waitForExit(timeout: .seconds(10))
    }
}

/// Expects `body` to throw an `RPCError` with `code` whose message starts with `prefix` and
/// contains each of `containing`.
func expectRPCError<Result>(
    _ code: RPCError.Code, prefix: String = "", containing: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Result
) async {
    let error = await #expect(throws: RPCError.self, sourceLocation: sourceLocation) { _ = try await body() }
    guard let error else { return }
    #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    #expect(
        error.message.hasPrefix(prefix) && containing.allSatisfy(error.message.contains), "\(error)",
        sourceLocation: sourceLocation)
}

/// The five service executables' names.
let serviceExecutables = StylecastServiceName.allCases.map(\.rawValue)

@Suite("The five service executables, end to end", .serialized, .timeLimit(.minutes(2)))
struct ServiceLifecycleTests {
    @Test("health follows Redis (NOT_SERVING within 5 s of it stopping, SERVING after it returns) and SIGTERM exits 0 within 10 s")
    func healthFollowsRedisAndShutdownIsClean() async throws {
        let redis = try await TestRedisServer.start()
        defer { redis.stop() }
        let services = try serviceExecutables.map { try IngestHarness.startService($0, redis: redis.url) }
        defer { for service in services where service.process.isRunning { service.process.send(signal: SIGKILL) } }

        for service in services {
            let took = await service.waitFor("SERVING", timeout: .seconds(30))
            #expect(took != nil, "\(service.name) never became SERVING:\n\(service.process.output())")
        }

        await redis.send(signal: SIGTERM)
        for service in services {
            let took = await service.waitFor("NOT_SERVING", timeout: .seconds(5))
            #expect(took != nil, "\(service.name) still SERVING 5 s after Redis stopped")
            print("\(service.name): NOT_SERVING \(took.map { "\($0)" } ?? "never") after Redis stopped")
        }

        let restarted = try await TestRedisServer.start(port: redis.port)
        defer { restarted.stop() }
        for service in services {
            let took = await service.waitFor("SERVING", timeout: .seconds(10))
            #expect(took != nil, "\(service.name) did not return to SERVING after Redis came back")
            print("\(service.name): SERVING again \(took.map { "\($0)" } ?? "never") after Redis returned")
        }

        for service in services { service.process.send(signal: SIGTERM) }
        for service in services {
            let start = ContinuousClock.now
            let status = await service.process.waitForExit(timeout: .seconds(10))
            #expect(status == 0, "\(service.name) exit status \(String(describing: status)) after SIGTERM:\n\(service.process.output())")
            #expect(ContinuousClock.now - start < .seconds(10))
            print("\(service.name): exit \(String(describing: status)) \(ContinuousClock.now - start) after SIGTERM")
        }
    }

    @Test("a service whose Redis is down from the start runs, NOT_SERVING, and turns SERVING when Redis appears")
    func startsWithoutRedis() async throws {
        let port = try TestRedisServer.freeLoopbackPort()
        let service = try IngestHarness.startService("ingest", redis: RedisURL(host: "127.0.0.1", port: port))
        defer { if service.process.isRunning { service.process.send(signal: SIGKILL) } }
        #expect(await service.waitFor("NOT_SERVING", timeout: .seconds(30)) != nil)
        let redis = try await TestRedisServer.start(port: port)
        defer { redis.stop() }
        #expect(await service.waitFor("SERVING", timeout: .seconds(10)) != nil)
        #expect(await service.stop() == 0)
    }

    @Test("a worker failing for good (a stream key of the wrong type) stops its process: exit 1, naming the error")
    func failingWorkerStopsTheProcess() async throws {
        let redis = try await TestRedisServer.start()
        defer { redis.stop() }
        let client = RedisClient(url: redis.url)
        try await client.send("SET", RedisArgument(WorkStream.signals.key), "not a stream")
        await client.shutdown()
        let service = try IngestHarness.startService("trend-aggregation", redis: redis.url)
        defer { if service.process.isRunning { service.process.send(signal: SIGKILL) } }
        // Its other two queues and the servers stop with it, instead of running on with one stream
        // no longer consumed.
        let status = await service.process.waitForExit(timeout: .seconds(20))
        #expect(status == 1, "exit status \(String(describing: status)):\n\(service.process.output())")
        #expect(service.process.output().contains("WRONGTYPE"))
    }

    @Test("on SIGTERM a health watcher sees NOT_SERVING before its stream ends, and the process exits 0")
    func drainingIsVisibleToWatchers() async throws {
        let redis = try await TestRedisServer.start()
        defer { redis.stop() }
        let service = try IngestHarness.startService("trend-aggregation", redis: redis.url)
        defer { if service.process.isRunning { service.process.send(signal: SIGKILL) } }
        #expect(await service.waitFor("SERVING", timeout: .seconds(30)) != nil)

        let firstStatus = AsyncStream.makeStream(of: String.self)
        let watcher = Task {
            // Ends the stream of first statuses however the watch ends, so the test cannot hang.
            defer { firstStatus.continuation.finish() }
            return try await service.withClient(ServiceProbe.init) { probe in
                try await probe.watchHealth(service: Stylecast_V1_TrendAggregation.descriptor.fullyQualifiedService) {
                    firstStatus.continuation.yield($0)
                }
            }
        }
        var received = firstStatus.stream.makeAsyncIterator()
        #expect(await received.next() == "SERVING")
        service.process.send(signal: SIGTERM)
        let seen = try await watcher.value
        #expect(seen == ["SERVING", "NOT_SERVING"])
        #expect(await service.process.waitForExit(timeout: .seconds(10)) == 0)
    }

    @Test(
        "a bad configuration exits 2 with a message naming the variable",
        arguments: [
            ("STYLECAST_GRPC_PORT", "abc", "must be an integer"),
            ("STYLECAST_REDIS_URL", "redis//localhost:6379", "STYLECAST_REDIS_URL"),
            ("STYLECAST_REDIS_URL", "redis://localhost:port/0", "port"),
            ("STYLECAST_METRICS_PORT", "0", "must be between 1 and 65535"),
            ("STYLECAST_LOG_LEVEL", "loud", "must be one of"),
        ])
    func badConfiguration(variable: String, value: String, expected: String) async throws {
        for name in serviceExecutables {
            let child = try ChildProcess(BuiltExecutables.path(of: name), arguments: [], environment: [variable: value])
            let status = await child.waitForExit(timeout: .seconds(10))
            let output = child.output()
            #expect(status == 2, "\(name) exit status \(String(describing: status)):\n\(output)")
            #expect(output.contains(variable), "\(name) did not name \(variable):\n\(output)")
            #expect(output.contains(expected), "\(name) did not say '\(expected)':\n\(output)")
            #expect(!output.contains("Fatal error"))
        }
    }
}
