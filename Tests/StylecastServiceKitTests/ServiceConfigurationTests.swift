import StylecastContracts
import StylecastServiceKit
import Testing

@Suite("Service configuration from the environment")
struct ServiceConfigurationTests {
    func read(_ environment: [String: String], spec: ServiceSpec = .ingest) throws(ConfigurationError) -> ServiceConfiguration {
        try ServiceConfiguration.read(spec: spec, environment: environment, hostname: "host", processID: 42)
    }

    @Test("an empty environment gives each service its documented default ports")
    func defaultsPerService() throws {
        // StylecastContractsTests pins the ports themselves (50051-50055, 9101-9105).
        let expected = StylecastServiceName.allCases.map { ($0.rawValue, $0.defaultGRPCPort, $0.defaultMetricsPort) }
        #expect(ServiceSpec.all.count == expected.count)
        for (spec, (name, grpc, metrics)) in zip(ServiceSpec.all, expected) {
            let configuration = try read([:], spec: spec)
            #expect(spec.name == name)
            #expect(configuration.grpcPort == grpc)
            #expect(configuration.metricsPort == metrics)
            #expect(configuration.consumerName == "\(name)-host-42")
        }
        let configuration = try read([:])
        #expect(configuration.redis.host == "127.0.0.1")
        #expect(configuration.redis.port == 6379)
        #expect(configuration.redisPoolSize == 4)
        #expect(configuration.shutdownGracePeriod == .milliseconds(8000))
        #expect(configuration.logFormat == "json")
    }

    @Test("variables override the defaults")
    func overrides() throws {
        let configuration = try read([
            "STYLECAST_GRPC_PORT": "6000", "STYLECAST_METRICS_PORT": " 6001 ",
            "STYLECAST_REDIS_URL": "redis://:pw@cache:6380/3", "STYLECAST_LOG_LEVEL": "DEBUG",
            "STYLECAST_QUEUE_MAX_DELIVERIES": "7", "STYLECAST_CONSUMER_NAME": "worker-a",
        ])
        #expect(configuration.grpcPort == 6000)
        #expect(configuration.metricsPort == 6001)
        #expect(configuration.redis.host == "cache")
        #expect(configuration.redis.port == 6380)
        #expect(configuration.redis.database == 3)
        #expect(configuration.redis.password == "pw")
        #expect(configuration.logLevel == .debug)
        #expect(configuration.queueMaxDeliveries == 7)
        #expect(configuration.consumerName == "worker-a")
    }

    @Test("every bad variable is reported at once, each named with its rule")
    func allProblemsAtOnce() {
        #expect {
            try read([
                "STYLECAST_GRPC_PORT": "abc", "STYLECAST_METRICS_PORT": "70000",
                "STYLECAST_REDIS_URL": "http://localhost", "STYLECAST_LOG_FORMAT": "xml",
                "STYLECAST_REDIS_POOL_SIZE": "0",
            ])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            let byVariable = Dictionary(uniqueKeysWithValues: error.problems.map { ($0.variable, $0.rule) })
            return error.problems.count == 5
                && byVariable["STYLECAST_GRPC_PORT"] == "must be an integer"
                && byVariable["STYLECAST_METRICS_PORT"] == "must be between 1 and 65535"
                && byVariable["STYLECAST_LOG_FORMAT"] == "must be one of json, text"
                && byVariable["STYLECAST_REDIS_POOL_SIZE"] == "must be between 1 and 64"
                && (byVariable["STYLECAST_REDIS_URL"]?.contains("scheme") ?? false)
                && error.description.hasPrefix("invalid configuration (5 problems)")
        }
    }

    @Test("a Redis password never appears in a configuration error")
    func passwordRedacted() {
        #expect {
            try read(["STYLECAST_REDIS_URL": "redis://:hunter2@cache:notaport/0"])
        } throws: { error in
            let text = "\(error)"
            return text.contains("STYLECAST_REDIS_URL") && !text.contains("hunter2")
        }
    }

    @Test("gRPC and metrics on the same address and port is rejected")
    func portClash() {
        #expect {
            try read(["STYLECAST_GRPC_PORT": "7000", "STYLECAST_METRICS_PORT": "7000"])
        } throws: { error in
            (error as? ConfigurationError)?.problems.map(\.variable) == ["STYLECAST_METRICS_PORT"]
        }
    }
}
