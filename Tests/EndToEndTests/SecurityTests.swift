import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastClient
import StylecastGRPC
import StylecastProto
import StylecastRedis
import StylecastTestSupport
import Testing

/// Bearer-token authentication, TLS and the Redis password, against a real service process
/// (trend-aggregation: the quickest to start) and a real redis-server.
@Suite("Security: bearer token, TLS, Redis password", .serialized, .timeLimit(.minutes(3)))
struct SecurityTests {
    static let token = "s3cret-token-of-32-characters-xx"

    /// A CA and a server certificate for 127.0.0.1 and localhost, made with the openssl CLI.
    static func makeCertificates(in directory: URL) async throws -> (ca: String, certificate: String, key: String) {
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        let commands: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Stylecast test CA",
             "-keyout", path("ca.key"), "-out", path("ca.pem")],
            ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", path("server.key"),
             "-out", path("server.csr")],
            ["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
             "-CAcreateserial", "-days", "2", "-out", path("server.pem"), "-extfile", path("san.cnf")],
        ]
        try Data("subjectAltName=IP:127.0.0.1,DNS:localhost\n".utf8).write(to: directory.appendingPathComponent("san.cnf"))
        for arguments in commands {
            let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/openssl"), arguments: arguments)
            let status = await child.waitForExit(timeout: .seconds(60))
            try #require(status == 0, "openssl \(arguments[0]) failed:\n\(child.output())")
        }
        return (path("ca.pem"), path("server.pem"), path("server.key"))
    }

    private func start(redis: TestRedisServer, url: String? = nil, environment: [String: String]) throws -> RunningService {
        try IngestHarness.startService(
            "trend-aggregation", redis: redis.url,
            environment: environment.merging(url.map { ["STYLECAST_REDIS_URL": $0] } ?? [:]) { $1 })
    }

    private func listTrends(_ endpoint: StylecastClient.Endpoint, _ credentials: ClientCredentials) async throws -> Int {
        try await withStylecastConnection(to: endpoint, credentials: credentials) { client in
            var options = CallOptions.defaults
            options.timeout = .seconds(5)
            return try await Stylecast_V1_TrendAggregation.Client(wrapping: client).listTrends(.init(), options: options).trends.count
        }
    }

    private func health(_ endpoint: StylecastClient.Endpoint, _ credentials: ClientCredentials) async -> String {
        (try? await withStylecastConnection(to: endpoint, credentials: credentials) { client in
            try await ServiceProbe(client: client).health(timeout: .seconds(2))
        }) ?? "UNREACHABLE"
    }

    @Test("with STYLECAST_AUTH_TOKEN: no token or a wrong one is UNAUTHENTICATED; health needs none; the right one passes")
    func bearerToken() async throws {
        let redis = try await TestRedisServer.start()
        defer { redis.stop() }
        let service = try start(redis: redis, environment: ["STYLECAST_AUTH_TOKEN": Self.token])
        defer { service.process.send(signal: SIGKILL) }
        let none = ClientCredentials()
        #expect(await service.waitFor("SERVING", timeout: .seconds(60)) != nil, "health answers without a token")
        for (credentials, message) in [
            (none, "authorization: missing"),
            (ClientCredentials(token: "s3cret-token-of-32-characters-xy"), "authorization: the bearer token is not valid"),
            (ClientCredentials(token: "short"), "authorization: the bearer token is not valid"),
        ] {
            await expectRPCError(.unauthenticated, prefix: message) { try await listTrends(service.endpoint, credentials) }
        }
        // Reflection is not exempt.
        await expectRPCError(.unauthenticated) {
            try await withStylecastConnection(to: service.endpoint, credentials: none) { client in
                try await ServiceProbe(client: client).services()
            }
        }
        #expect(try await listTrends(service.endpoint, ClientCredentials(token: Self.token)) == 0)
        let names = try await withStylecastConnection(to: service.endpoint, credentials: ClientCredentials(token: Self.token)) {
            client in try await ServiceProbe(client: client).services()
        }
        #expect(names.contains("stylecast.v1.TrendAggregation"))
        #expect(service.process.isRunning)
    }

    @Test("a short token, or a TLS key without its certificate, stops the service at start naming the variable")
    func badSecurityConfiguration() async throws {
        let redis = try await TestRedisServer.start()
        defer { redis.stop() }
        for (environment, variable) in [
            (["STYLECAST_AUTH_TOKEN": "short"], "STYLECAST_AUTH_TOKEN"),
            (["STYLECAST_AUTH_TOKEN": "has a space in the middle!"], "STYLECAST_AUTH_TOKEN"),
            (["STYLECAST_TLS_KEY": "/nonexistent/server.key"], "STYLECAST_TLS_CERT"),
            (["STYLECAST_TLS_CERT": "/nonexistent/cert.pem", "STYLECAST_TLS_KEY": "/nonexistent/key.pem"], "STYLECAST_TLS_CERT"),
        ] {
            let service = try start(redis: redis, environment: environment)
            #expect(await service.process.waitForExit(timeout: .seconds(20)) == 2)
            let output = service.process.output()
            #expect(output.contains(variable), "\(environment): \(output)")
            #expect(!output.contains("has a space"), "the token is never printed")
        }
    }

    @Test("with STYLECAST_TLS_CERT and _KEY: a client trusting the CA gets answers (with the token too); plaintext fails")
    func tls() async throws {
        let directory = try TemporaryDirectory()
        let files = try await Self.makeCertificates(in: directory.url)
        let redis = try await TestRedisServer.start()
        defer { redis.stop() }
        let service = try start(
            redis: redis,
            environment: ["STYLECAST_TLS_CERT": files.certificate, "STYLECAST_TLS_KEY": files.key, "STYLECAST_AUTH_TOKEN": Self.token])
        defer { service.process.send(signal: SIGKILL) }
        let trusted = ClientCredentials(token: Self.token, certificateAuthorityPath: files.ca)
        var serving = false
        let deadline = ContinuousClock.now + .seconds(60)
        while !serving, ContinuousClock.now < deadline {
            serving = await health(service.endpoint, trusted) == "SERVING"
            if !serving { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(serving, "SERVING over TLS:\n\(service.process.output())")
        #expect(try await listTrends(service.endpoint, trusted) == 0)
        #expect(await health(service.endpoint, ClientCredentials()) == "UNREACHABLE", "plaintext reaches nothing")
        await #expect(throws: RPCError.self) {
            _ = try await listTrends(service.endpoint, ClientCredentials(certificateAuthorityPath: files.ca))
        }
        #expect(service.process.isRunning)
    }

    @Test("Redis with a password: SERVING with it in STYLECAST_REDIS_URL, NOT_SERVING with a wrong one, never printed")
    func redisPassword() async throws {
        let redis = try await TestRedisServer.start(password: "redis-Pa55word")
        defer { redis.stop() }
        let good = try start(redis: redis, url: "redis://:redis-Pa55word@127.0.0.1:\(redis.port)/0", environment: [:])
        defer { good.process.send(signal: SIGKILL) }
        #expect(await good.waitFor("SERVING", timeout: .seconds(60)) != nil, "\(good.process.output())")
        let bad = try start(redis: redis, url: "redis://:wrong-Pa55word@127.0.0.1:\(redis.port)/0", environment: [:])
        defer { bad.process.send(signal: SIGKILL) }
        try await Task.sleep(for: .seconds(3))
        #expect(await bad.health() == "NOT_SERVING")
        #expect(bad.process.isRunning)
        for output in [good.process.output(), bad.process.output()] {
            #expect(!output.contains("Pa55word"), "a password appears in the log")
        }
    }
}
