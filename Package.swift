// swift-tools-version:6.1
//
// Stylecast: one package, five independently deployable gRPC services, one command-line
// client, and the libraries they share. See docs/architecture.md for the layout.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

/// The numeric libraries are optimised in debug builds too: the test suite runs models and
/// decoders over real data sets, which unoptimised loops make 10-50 times slower.
let numericSwiftSettings: [SwiftSetting] = swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]

// MARK: - Dependencies

let dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
    .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
    .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
    .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
]

extension Target.Dependency {
    static let grpcCore = Target.Dependency.product(name: "GRPCCore", package: "grpc-swift-2")
    static let grpcHTTP2 = Target.Dependency.product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport")
    static let grpcProtobuf = Target.Dependency.product(name: "GRPCProtobuf", package: "grpc-swift-protobuf")
    static let swiftProtobuf = Target.Dependency.product(name: "SwiftProtobuf", package: "swift-protobuf")
    static let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
    static let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
    static let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
    static let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
    static let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
    static let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
    static let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
    static let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
}

/// The settings of a target: `numeric` ones are optimised in debug builds too.
func settings(numeric: Bool) -> [SwiftSetting] { numeric ? numericSwiftSettings : swiftSettings }

/// A library in `Shared/<name>`.
func shared(_ name: String, _ dependencies: [Target.Dependency] = [], numeric: Bool = false) -> Target {
    .target(name: name, dependencies: dependencies, path: "Shared/\(name)", swiftSettings: settings(numeric: numeric))
}

/// A test target, or a library the tests share, in `Tests/<name>` (or `Tests/<folder>`).
func tests(
    _ name: String, _ dependencies: [Target.Dependency], library: Bool = false, numeric: Bool = false,
    fixtures: Bool = false, folder: String? = nil
) -> Target {
    let resources: [Resource]? = fixtures ? [.copy("Fixtures")] : nil
    return library
        ? .target(
            name: name, dependencies: dependencies, path: "Tests/\(folder ?? name)", swiftSettings: settings(numeric: numeric))
        : .testTarget(
            name: name, dependencies: dependencies, path: "Tests/\(name)", resources: resources,
            swiftSettings: settings(numeric: numeric))
}

/// An executable in `Tests/<folder>` (benchmarks, evaluations, drills).
func tool(_ name: String, in folder: String, _ dependencies: [Target.Dependency], numeric: Bool = false) -> Target {
    .executableTarget(name: name, dependencies: dependencies, path: "Tests/\(folder)", swiftSettings: settings(numeric: numeric))
}

// MARK: - Shared libraries

var targets: [Target] = [
    // C lives only in these targets (the system libraries and our one kernel); nothing above
    // StylecastTensor and StylecastRedis sees a C pointer.
    .systemLibrary(name: "CHiredis", path: "Shared/CHiredis", providers: [.apt(["libhiredis-dev"])]),
    .systemLibrary(name: "CBLAS", path: "Shared/CBLAS", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CZlib", path: "Shared/CZlib", providers: [.apt(["zlib1g-dev"])]),
    // The packed-weight linear layer of online inference (AVX2/FMA, chosen at run time); optimised
    // in debug builds too, like the numeric libraries.
    .target(
        name: "CPackedGEMM", path: "Shared/CPackedGEMM",
        cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
    // Transport-free error classification shared by every library (no gRPC here).
    shared("StylecastErrors"),
    // Float32 tensors and the operations the models need, over OpenBLAS (and CPackedGEMM).
    shared("StylecastTensor", ["CBLAS", "CPackedGEMM", "StylecastErrors"], numeric: true),
    // safetensors: validated, memory-mapped reading and writing.
    shared("StylecastModelFormat", ["StylecastTensor", "StylecastErrors"]),
    // all-MiniLM-L6-v2 in Swift: WordPiece tokenizer, BERT encoder, sentence embeddings.
    shared("StylecastText", ["StylecastTensor", "StylecastModelFormat", "StylecastErrors"], numeric: true),
    // Gzip, idx (Fashion-MNIST) and PNG decoding and encoding.
    shared("StylecastImageIO", ["CZlib", "StylecastTensor", "StylecastErrors"], numeric: true),
    // What the services agree on, defined once: Redis keys and work streams, typed stream
    // entries, the embedding and attributes codecs, recommendation reasons, default ports.
    shared("StylecastContracts", ["StylecastErrors"]),
    // Calendar days without Foundation: parsing, weeks, arithmetic (one place for all of it).
    shared("StylecastCalendar"),
    // Streaming readers for the shared data sets and generic JSON lines, producing the
    // canonical protobuf records (docs/ingest-formats.md).
    shared(
        "StylecastDatasets",
        ["StylecastCalendar", "StylecastErrors", "StylecastProto", "StylecastImageIO", .swiftProtobuf], numeric: true),
    // Forecasting: ETS, Theta, naive methods, automatic selection, intervals, backtests (no gRPC).
    shared("StylecastForecast", ["StylecastCalendar", "StylecastErrors"], numeric: true),
    // Trend calls: year-over-year growth, forecasts, lifecycle stages, fusion across sources and
    // the backtest that measures them (docs/trends.md; no gRPC, no Redis).
    shared("StylecastTrends", ["StylecastCalendar"], numeric: true),
    // Fashion attribute extraction: the English and Chinese lexicon and its matcher.
    shared("StylecastAttributes", ["StylecastErrors"]),
    // Vision on the tensor library: the Fashion-MNIST garment classifier, and dominant colours
    // named with the attribute lexicon's colour values.
    .target(
        name: "StylecastVision",
        dependencies: ["StylecastTensor", "StylecastModelFormat", "StylecastImageIO", "StylecastAttributes", "StylecastErrors"],
        path: "Shared/StylecastVision",
        resources: [.copy("Resources/garment-classifier.safetensors"), .copy("Resources/style-generator.safetensors")],
        swiftSettings: numericSwiftSettings),
    // Recommenders trained in Swift on BLAS: implicit ALS (conjugate gradient), time-decayed
    // co-occurrence, content kNN, popularity, repurchase and the hybrid ranker (docs/recommendation.md).
    shared("StylecastRecommender", ["StylecastTensor", "StylecastModelFormat", "StylecastErrors"], numeric: true),
    // Generated protobuf messages for every .proto under Protos/, and the descriptor set that
    // reflection serves (scripts/generate-protos.sh): what libraries share, without gRPC.
    .target(
        name: "StylecastProto", dependencies: [.swiftProtobuf], path: "Shared/StylecastProto",
        swiftSettings: [.swiftLanguageMode(.v6)]),
    // Generated gRPC clients and service protocols for the same files: only the RPC layers,
    // the service kit, clients, tests and benchmarks import it.
    .target(
        name: "StylecastGRPC", dependencies: ["StylecastProto", .grpcCore, .grpcProtobuf, .swiftProtobuf],
        path: "Shared/StylecastGRPC", swiftSettings: [.swiftLanguageMode(.v6)]),
    // The gRPC client side: endpoints, TLS and token credentials, connections, health probes
    // (used by the command-line client, image-generation's upstream calls, tests and benchmarks).
    shared("StylecastClient", ["StylecastContracts", "StylecastProto", "StylecastGRPC", .grpcCore, .grpcHTTP2, .swiftProtobuf]),
    // Child processes with signals unblocked, and free loopback ports: `stylecast up` and the tests.
    shared("StylecastProcess"),
    // Redis over libhiredis: connection pool, scripts, pipelining, the Streams work queue.
    shared("StylecastRedis", ["StylecastCalendar", "CHiredis", "StylecastErrors", .logging, .nioPosix]),
    // Configuration, logging, gRPC server bootstrap, health, reflection, error mapping,
    // metrics, BLAS start-up, graceful shutdown: everything a service needs around its core.
    shared(
        "StylecastServiceKit",
        [
            "StylecastCalendar", "StylecastProto", "StylecastGRPC", "StylecastRedis", "StylecastErrors",
            "StylecastContracts", "StylecastTensor", .grpcCore, .grpcHTTP2, .grpcProtobuf, .swiftProtobuf, .logging,
            .metrics, .prometheus, .serviceLifecycle, .nioCore, .nioPosix, .nioHTTP1,
        ]),
]

// MARK: - Services: a testable library plus a thin executable each

/// What every service library depends on.
let serviceKit: [Target.Dependency] = [
    "StylecastServiceKit", "StylecastContracts", "StylecastCalendar", "StylecastProto", "StylecastGRPC",
    "StylecastRedis", .grpcCore, .logging,
]

/// (folder under Services/, library target, executable name, libraries beyond the kit, numeric).
/// trend-aggregation clusters embeddings and fits forecasts, image-generation paints pixels:
/// both are optimised in debug too.
let services: [(folder: String, library: String, executable: String, dependencies: [Target.Dependency], numeric: Bool)] = [
    (
        "Ingest", "IngestService", "ingest",
        [
            "StylecastAttributes", "StylecastVision", "StylecastImageIO", "StylecastTensor", "StylecastErrors",
            .swiftProtobuf, .prometheus,
        ], false
    ),
    (
        "TextEmbedding", "TextEmbeddingService", "text-embedding",
        ["StylecastText", "StylecastTensor", "StylecastAttributes", "StylecastErrors", .nioPosix, .serviceLifecycle, .prometheus],
        false
    ),
    (
        "ImageGeneration", "ImageGenerationService", "image-generation",
        [
            "StylecastVision", "StylecastImageIO", "StylecastTensor", "StylecastErrors", "StylecastClient", .grpcHTTP2,
            .serviceLifecycle,
        ], true
    ),
    (
        "Recommendation", "RecommendationService", "recommendation",
        [
            "StylecastRecommender", "StylecastModelFormat", "StylecastTensor", "StylecastErrors", "StylecastClient",
            .grpcHTTP2, .swiftProtobuf, .serviceLifecycle, .prometheus,
        ], false
    ),
    (
        "TrendAggregation", "TrendAggregationService", "trend-aggregation",
        [
            "StylecastForecast", "StylecastTrends", "StylecastAttributes", "StylecastVision", "StylecastErrors",
            .swiftProtobuf, .serviceLifecycle,
        ], true
    ),
]

for service in services {
    targets += [
        .target(
            name: service.library, dependencies: serviceKit + service.dependencies,
            path: "Services/\(service.folder)/\(service.library)", swiftSettings: settings(numeric: service.numeric)),
        .executableTarget(
            name: service.executable, dependencies: [.target(name: service.library), "StylecastServiceKit"],
            path: "Services/\(service.folder)/\(service.executable)", swiftSettings: swiftSettings),
    ]
}

// MARK: - The command-line client

targets.append(
    .executableTarget(
        name: "stylecast",
        dependencies: [
            "StylecastClient", "StylecastContracts", "StylecastProto", "StylecastGRPC", "StylecastVision",
            "StylecastImageIO", "StylecastTensor", "StylecastDatasets", "StylecastProcess", "StylecastRedis",
            "StylecastServiceKit", "TrendAggregationService",
            .argumentParser, .grpcCore, .swiftProtobuf, .logging,
        ],
        path: "Services/Client/stylecast", swiftSettings: swiftSettings))

// MARK: - Tests, benchmarks and drills

targets += [
    tests(
        "StylecastModelFormatTests",
        ["StylecastModelFormat", "StylecastTensor", "StylecastTestSupport", "StylecastFuzzTargets"], fixtures: true),
    tests("StylecastImageIOTests", ["StylecastImageIO", "StylecastTensor", "StylecastTestSupport", "StylecastFuzzTargets"], fixtures: true),
    tests(
        "StylecastVisionTests",
        [
            "StylecastVision", "StylecastImageIO", "StylecastAttributes", "StylecastModelFormat", "StylecastTensor",
            "StylecastTestSupport",
        ], fixtures: true),
    // Needs models/all-MiniLM-L6-v2 (scripts/setup.sh) and ../shared/reference.
    tests("StylecastTextTests", ["StylecastText", "StylecastTensor", "StylecastModelFormat", "StylecastFuzzTargets"]),
    // Needs ../shared/data (or STYLECAST_DATA_DIR) and, for Fashion-MNIST, dataset-fashion-mnist.
    tests("StylecastDatasetsTests", ["StylecastDatasets", "StylecastProto", .swiftProtobuf, "StylecastFuzzTargets"]),
    tests("StylecastAttributesTests", ["StylecastAttributes", "StylecastText"]),
    // What the benchmark executables share: their command-line options and progress lines.
    tests("BenchmarkSupport", [], library: true, folder: "Benchmarks/Support"),
    // Attribute extraction measured on real labels (scripts/bench/attributes.sh runs it).
    tool(
        "attributes-eval", in: "Benchmarks/AttributesEval",
        ["StylecastDatasets", "StylecastCalendar", "StylecastAttributes", "StylecastText", "StylecastImageIO"]),
    // Benchmarks' Swift side (scripts/bench/tensor.sh runs it from a release build). Its sgemm
    // anchor is a direct cblas_sgemm call: the one place above StylecastTensor that imports CBLAS.
    tool(
        "tensor-bench", in: "Benchmarks/TensorBench",
        ["BenchmarkSupport", "StylecastCalendar", "StylecastTensor", "StylecastVision", "StylecastImageIO", "CBLAS"]),
    // The Swift side of scripts/bench/embedding.sh: the service path with and without gRPC.
    tool(
        "embedding-bench", in: "Benchmarks/EmbeddingBench",
        [
            "BenchmarkSupport", "StylecastCalendar", "TextEmbeddingService", "StylecastText", "StylecastTensor",
            "StylecastClient", "StylecastProto", "StylecastGRPC", "StylecastContracts", "StylecastRedis",
            "StylecastServiceKit", .grpcCore, .grpcHTTP2,
        ]),
    // The Swift side of scripts/bench/forecast.sh: fits every benchmark series, writes forecasts.
    tool("forecast-bench", in: "Benchmarks/ForecastBench", ["StylecastCalendar", "StylecastForecast"], numeric: true),
    // The Swift side of scripts/bench/trend-calls.sh: the trend-call backtest and its parameter choice.
    tool(
        "trend-calls-bench", in: "Benchmarks/TrendCallsBench",
        ["StylecastTrends", "StylecastForecast", "StylecastDatasets", "StylecastCalendar"], numeric: true),
    // The Swift side of scripts/bench/new-product.sh: new-product forecasts on VISUELLE's split.
    tool(
        "new-product-bench", in: "Benchmarks/NewProductBench",
        ["BenchmarkSupport", "StylecastForecast", "StylecastDatasets"], numeric: true),
    // Keys, entries, codecs, reasons and ports against the rules the services rely on.
    tests("StylecastContractsTests", ["StylecastContracts", "StylecastRedis", "StylecastErrors"]),
    tests("StylecastCalendarTests", ["StylecastCalendar"]),
    tests("StylecastTrendsTests", ["StylecastTrends", "StylecastCalendar", "StylecastDatasets"], numeric: true),
    tests(
        "StylecastForecastTests", ["StylecastForecast", "StylecastErrors", "StylecastTensor", "StylecastDatasets"],
        numeric: true),
    // The Swift side of scripts/bench/generation.sh: style generator images per second.
    tool(
        "generator-bench", in: "Benchmarks/GeneratorBench",
        ["BenchmarkSupport", "StylecastCalendar", "StylecastVision", "StylecastTensor"], numeric: true),
    // The Swift side of scripts/eval/generation.sh: conditional accuracy, classifier FID, contact sheet.
    tool(
        "generation-eval", in: "Benchmarks/GenerationEval",
        ["BenchmarkSupport", "StylecastCalendar", "StylecastVision", "StylecastImageIO", "StylecastTensor"],
        numeric: true),
    // The Swift side of scripts/bench/load.sh: a mix of calls to all five services, RSS sampled.
    tool(
        "load-gen", in: "Benchmarks/LoadGen",
        [
            "BenchmarkSupport", "StylecastCalendar", "StylecastClient", "StylecastProto", "StylecastGRPC", .grpcCore,
            .grpcHTTP2,
        ]),
    // The cache-miss load of scripts/bench/recommend-serving.sh: Recommend for distinct users.
    tool(
        "rec-load", in: "Benchmarks/RecLoad",
        [
            "BenchmarkSupport", "StylecastCalendar", "StylecastContracts", "StylecastClient", "StylecastProto",
            "StylecastGRPC", .grpcCore,
        ]),
    // The Swift side of scripts/bench/recsys.sh: our recommenders on the shared splits.
    tool(
        "recsys-bench", in: "Benchmarks/RecsysBench",
        ["BenchmarkSupport", "StylecastCalendar", "StylecastRecommender", "StylecastTensor", "StylecastTrends"], numeric: true),
    tests("StylecastRecommenderTests", ["StylecastRecommender", "StylecastTensor", "StylecastModelFormat"]),
    tests("StylecastTensorTests", ["StylecastTensor"], fixtures: true),
    // trend-aggregation's attributes, topics, request rules and report text without gRPC or Redis.
    tests(
        "TrendAggregationServiceTests",
        [
            "StylecastContracts", "TrendAggregationService", "StylecastProto", "StylecastTrends", "StylecastCalendar",
            "StylecastErrors",
        ]),
    // text-embedding's batch line (pure) and its batcher on the real model (models/, setup.sh).
    tests("TextEmbeddingServiceTests", ["TextEmbeddingService", "StylecastText", .prometheus, .logging]),
    // The services' rules, training, scoring and model encoding without gRPC (and, but for the
    // recommendation model store, without Redis).
    tests("IngestServiceTests", ["IngestService", "StylecastContracts", "StylecastProto", "StylecastRedis", "StylecastTestSupport"]),
    tests(
        "ImageGenerationServiceTests",
        ["ImageGenerationService", "StylecastVision", "StylecastImageIO", "StylecastAttributes"]),
    tests(
        "RecommendationServiceTests",
        [
            "StylecastContracts", "RecommendationService", "StylecastProto", "StylecastRecommender", "StylecastRedis",
            "StylecastTestSupport", "StylecastErrors", .prometheus,
        ]),
    tests("StylecastRedisTests", ["StylecastRedis", "StylecastErrors", "StylecastProcess", "StylecastTestSupport"]),
    tests(
        "StylecastServiceKitTests",
        [
            "StylecastContracts", "StylecastServiceKit", "StylecastProto", "StylecastGRPC", "StylecastTestSupport",
            .grpcCore, .grpcHTTP2, .swiftProtobuf,
        ]),
    tests(
        "EndToEndTests",
        [
            "StylecastContracts", "StylecastClient", "StylecastProto", "StylecastGRPC", "StylecastRedis",
            "StylecastTestSupport", "StylecastVision", "StylecastImageIO", "StylecastTrends", "StylecastDatasets",
            "StylecastCalendar", .grpcCore, .grpcHTTP2,
        ]),
    // Helpers shared by the test targets: the test Redis from scripts/test.sh, child processes.
    tests(
        "StylecastTestSupport", ["StylecastProcess", "StylecastRedis", "StylecastProto", "StylecastGRPC", .grpcCore],
        library: true),
    // A real work-queue consumer process, killed and restarted by the work-queue tests.
    tool("queue-drill", in: "QueueDrill", ["StylecastRedis", .argumentParser, .logging]),
    // The chaos drill (scripts/chaos.sh): the real services and Redis killed, restarted and
    // frozen while real data flows; every count checked against the files.
    tool(
        "chaos-drill", in: "ChaosDrill",
        [
            "StylecastCalendar", "StylecastContracts", "StylecastClient", "StylecastProto", "StylecastGRPC",
            "StylecastRedis", "StylecastTestSupport", .grpcCore, .grpcHTTP2, .argumentParser, .logging,
        ]),
]

// MARK: - Fuzzing (docs/fuzzing.md)

targets += [
    // libFuzzer's driver entry point, declared; linked only by scripts/fuzz.sh's build.
    .systemLibrary(name: "CLibFuzzer", path: "Tests/Fuzz/CLibFuzzer"),
    // One target per input format: the library entry point fed arbitrary bytes and the
    // invariants its result keeps. Shared by the fuzzer and the regression tests.
    .target(
        name: "StylecastFuzzTargets",
        dependencies: [
            "StylecastModelFormat", "StylecastTensor", "StylecastText", "StylecastDatasets", "StylecastImageIO",
            "StylecastProto", "StylecastErrors", .swiftProtobuf,
        ],
        path: "Tests/Fuzz/Targets", swiftSettings: swiftSettings),
    // The fuzz executable: a libFuzzer binary when scripts/fuzz.sh builds it, an input replayer
    // in a plain build.
    tool("stylecast-fuzz", in: "Fuzz/Driver", ["StylecastFuzzTargets", "CLibFuzzer"]),
]

let package = Package(
    name: "Stylecast",
    platforms: [.macOS(.v15)],
    // Every executable target is a product, so `swift build --product NAME` builds it alone.
    products: targets.filter { $0.type == .executable }.map { .executable(name: $0.name, targets: [$0.name]) },
    dependencies: dependencies,
    targets: targets
)
