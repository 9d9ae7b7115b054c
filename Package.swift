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
    static let grpcHTTP2 = Target.Dependency.product(
        name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport")
    static let grpcProtobuf = Target.Dependency.product(
        name: "GRPCProtobuf", package: "grpc-swift-protobuf")
    static let swiftProtobuf = Target.Dependency.product(
        name: "SwiftProtobuf", package: "swift-protobuf")
    static let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
    static let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
    static let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
    static let serviceLifecycle = Target.Dependency.product(
        name: "ServiceLifecycle", package: "swift-service-lifecycle")
    static let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
    static let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
    static let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
    static let argumentParser = Target.Dependency.product(
        name: "ArgumentParser", package: "swift-argument-parser")
}

// MARK: - Shared libraries

var targets: [Target] = [
    // C lives only in these system-library targets; nothing above them sees a C pointer.
    .systemLibrary(
        name: "CHiredis", path: "Shared/CHiredis",
        providers: [.apt(["libhiredis-dev"])]),
    .systemLibrary(
        name: "CBLAS", path: "Shared/CBLAS", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CZlib", path: "Shared/CZlib", providers: [.apt(["zlib1g-dev"])]),

    // Transport-free error classification shared by every library (no gRPC here).
    .target(name: "StylecastErrors", path: "Shared/StylecastErrors", swiftSettings: swiftSettings),

    // Float32 tensors and the operations the models need, over OpenBLAS.
    .target(
        name: "StylecastTensor", dependencies: ["CBLAS", "StylecastErrors"],
        path: "Shared/StylecastTensor", swiftSettings: numericSwiftSettings),

    // safetensors: validated, memory-mapped reading and writing.
    .target(
        name: "StylecastModelFormat", dependencies: ["StylecastTensor", "StylecastErrors"],
        path: "Shared/StylecastModelFormat", swiftSettings: swiftSettings),

    // all-MiniLM-L6-v2 in Swift: WordPiece tokenizer, BERT encoder, sentence embeddings.
    .target(
        name: "StylecastText",
        dependencies: ["StylecastTensor", "StylecastModelFormat", "StylecastErrors"],
        path: "Shared/StylecastText", swiftSettings: numericSwiftSettings),

    // Gzip, idx (Fashion-MNIST) and PNG decoding and encoding.
    .target(
        name: "StylecastImageIO", dependencies: ["CZlib", "StylecastTensor", "StylecastErrors"],
        path: "Shared/StylecastImageIO", swiftSettings: numericSwiftSettings),

    // What the services agree on, defined once: Redis keys and work streams, typed stream
    // entries, the embedding and attributes codecs, recommendation reasons, default ports.
    .target(
        name: "StylecastContracts", dependencies: ["StylecastErrors"],
        path: "Shared/StylecastContracts", swiftSettings: swiftSettings),

    // Calendar days without Foundation: parsing, weeks, arithmetic (one place for all of it).
    .target(name: "StylecastCalendar", path: "Shared/StylecastCalendar", swiftSettings: swiftSettings),

    // Streaming readers for the shared data sets and generic JSON lines, producing the
    // canonical protobuf records (docs/ingest-formats.md).
    .target(
        name: "StylecastDatasets",
        dependencies: ["StylecastCalendar", "StylecastErrors", "StylecastProto", "StylecastImageIO", .swiftProtobuf],
        path: "Shared/StylecastDatasets", swiftSettings: numericSwiftSettings),

    // Forecasting: ETS, Theta, naive methods, automatic selection, intervals, backtests (no gRPC).
    .target(
        name: "StylecastForecast", dependencies: ["StylecastCalendar", "StylecastErrors"],
        path: "Shared/StylecastForecast", swiftSettings: numericSwiftSettings),

    // Trend calls: year-over-year growth, forecasts, lifecycle stages, fusion across sources and
    // the backtest that measures them (docs/trends.md; no gRPC, no Redis).
    .target(
        name: "StylecastTrends", dependencies: ["StylecastCalendar"],
        path: "Shared/StylecastTrends", swiftSettings: numericSwiftSettings),

    // Fashion attribute extraction: the English and Chinese lexicon and its matcher.
    .target(
        name: "StylecastAttributes", dependencies: ["StylecastErrors"],
        path: "Shared/StylecastAttributes", swiftSettings: swiftSettings),

    // Vision on the tensor library: the Fashion-MNIST garment classifier, and dominant colours
    // named with the attribute lexicon's colour values.
    .target(
        name: "StylecastVision",
        dependencies: [
            "StylecastTensor", "StylecastModelFormat", "StylecastImageIO", "StylecastAttributes", "StylecastErrors",
        ],
        path: "Shared/StylecastVision",
        resources: [
            .copy("Resources/garment-classifier.safetensors"), .copy("Resources/style-generator.safetensors"),
        ],
        swiftSettings: numericSwiftSettings),

    // Recommenders trained in Swift on BLAS: implicit ALS (conjugate gradient), time-decayed
    // co-occurrence, content kNN, popularity, repurchase and the hybrid ranker (docs/recommendation.md).
    .target(
        name: "StylecastRecommender",
        dependencies: ["StylecastTensor", "StylecastModelFormat", "StylecastErrors"],
        path: "Shared/StylecastRecommender", swiftSettings: numericSwiftSettings),

    // Generated protobuf messages for every .proto under Protos/, and the descriptor set that
    // reflection serves (scripts/generate-protos.sh): what libraries share, without gRPC.
    .target(
        name: "StylecastProto",
        dependencies: [.swiftProtobuf],
        path: "Shared/StylecastProto",
        swiftSettings: [.swiftLanguageMode(.v6)]),

    // Generated gRPC clients and service protocols for the same files: only the RPC layers,
    // the service kit, clients, tests and benchmarks import it.
    .target(
        name: "StylecastGRPC",
        dependencies: ["StylecastProto", .grpcCore, .grpcProtobuf, .swiftProtobuf],
        path: "Shared/StylecastGRPC",
        swiftSettings: [.swiftLanguageMode(.v6)]),

    // The gRPC client side: endpoints, TLS and token credentials, connections, health probes
    // (used by the command-line client, image-generation's upstream calls, tests and benchmarks).
    .target(
        name: "StylecastClient",
        dependencies: ["StylecastContracts", "StylecastProto", "StylecastGRPC", .grpcCore, .grpcHTTP2, .swiftProtobuf],
        path: "Shared/StylecastClient",
        swiftSettings: swiftSettings),

    // Redis over libhiredis: connection pool, scripts, pipelining, the Streams work queue.
    .target(
        name: "StylecastRedis",
        dependencies: ["StylecastCalendar", "CHiredis", "StylecastErrors", .logging, .nioPosix],
        path: "Shared/StylecastRedis",
        swiftSettings: swiftSettings),

    // Configuration, logging, gRPC server bootstrap, health, reflection, error mapping,
    // metrics, BLAS start-up, graceful shutdown: everything a service needs around its core.
    .target(
        name: "StylecastServiceKit",
        dependencies: ["StylecastCalendar", 
            "StylecastProto", "StylecastGRPC", "StylecastRedis", "StylecastErrors", "StylecastContracts", "StylecastTensor",
            .grpcCore, .grpcHTTP2, .grpcProtobuf, .swiftProtobuf,
            .logging, .metrics, .prometheus, .serviceLifecycle,
            .nioCore, .nioPosix, .nioHTTP1,
        ],
        path: "Shared/StylecastServiceKit",
        swiftSettings: swiftSettings),
]

// MARK: - Services: a testable library plus a thin executable each

/// (folder under Services/, library target, executable name)
let services: [(folder: String, library: String, executable: String)] = [
    ("Ingest", "IngestService", "ingest"),
    ("TextEmbedding", "TextEmbeddingService", "text-embedding"),
    ("ImageGeneration", "ImageGenerationService", "image-generation"),
    ("Recommendation", "RecommendationService", "recommendation"),
    ("TrendAggregation", "TrendAggregationService", "trend-aggregation"),
]

/// Libraries a service needs beyond the shared kit.
let serviceDependencies: [String: [Target.Dependency]] = [
    "TrendAggregationService": [
        "StylecastForecast", "StylecastTrends", "StylecastAttributes", "StylecastVision", "StylecastErrors",
        .swiftProtobuf, .serviceLifecycle,
    ],
    "IngestService": [
        "StylecastAttributes", "StylecastVision", "StylecastImageIO", "StylecastTensor", "StylecastErrors",
        .swiftProtobuf, .prometheus,
    ],
    "TextEmbeddingService": [
        "StylecastText", "StylecastTensor", "StylecastAttributes", "StylecastErrors", .nioPosix, .serviceLifecycle, .prometheus,
    ],
    "ImageGenerationService": [
        "StylecastVision", "StylecastImageIO", "StylecastTensor", "StylecastErrors", "StylecastClient", .grpcHTTP2,
        .serviceLifecycle,
    ],
    "RecommendationService": [
        "StylecastRecommender", "StylecastModelFormat", "StylecastTensor", "StylecastErrors", .swiftProtobuf,
        .serviceLifecycle, .prometheus,
    ],
]

for service in services {
    targets.append(
        .target(
            name: service.library,
            dependencies: [
                "StylecastServiceKit", "StylecastContracts", "StylecastCalendar", "StylecastProto", "StylecastGRPC",
                "StylecastRedis", .grpcCore, .logging,
            ]
                + (serviceDependencies[service.library] ?? []),
            path: "Services/\(service.folder)/\(service.library)",
            // trend-aggregation clusters embeddings and fits forecasts, image-generation paints
            // pixels: optimised in debug too.
            swiftSettings: ["TrendAggregationService", "ImageGenerationService"].contains(service.library)
                ? numericSwiftSettings : swiftSettings))
    targets.append(
        .executableTarget(
            name: service.executable,
            dependencies: [.target(name: service.library), "StylecastServiceKit"],
            path: "Services/\(service.folder)/\(service.executable)",
            swiftSettings: swiftSettings))
}

// MARK: - The command-line client

targets += [
    .executableTarget(
        name: "stylecast",
        dependencies: [
            "StylecastClient", "StylecastContracts", "StylecastProto", "StylecastGRPC", "StylecastVision", "StylecastImageIO", "StylecastTensor",
            "StylecastDatasets", "StylecastRedis", "TrendAggregationService", .argumentParser, .grpcCore, .swiftProtobuf,
            .logging,
        ],
        path: "Services/Client/stylecast",
        swiftSettings: swiftSettings),
]

// MARK: - Tests

targets += [
    .testTarget(
        name: "StylecastModelFormatTests",
        dependencies: ["StylecastModelFormat", "StylecastTensor", "StylecastTestSupport", "StylecastFuzzTargets"],
        path: "Tests/StylecastModelFormatTests",
        resources: [.copy("Fixtures")],
        swiftSettings: swiftSettings),
    .testTarget(
        name: "StylecastImageIOTests",
        dependencies: ["StylecastImageIO", "StylecastTensor", "StylecastTestSupport", "StylecastFuzzTargets"],
        path: "Tests/StylecastImageIOTests",
        resources: [.copy("Fixtures")],
        swiftSettings: swiftSettings),
    .testTarget(
        name: "StylecastVisionTests",
        dependencies: [
            "StylecastVision", "StylecastImageIO", "StylecastAttributes", "StylecastModelFormat", "StylecastTensor",
            "StylecastTestSupport",
        ],
        path: "Tests/StylecastVisionTests",
        resources: [.copy("Fixtures")],
        swiftSettings: swiftSettings),
    // Needs models/all-MiniLM-L6-v2 (scripts/setup.sh) and ../shared/reference.
    .testTarget(
        name: "StylecastTextTests",
        dependencies: ["StylecastText", "StylecastTensor", "StylecastModelFormat", "StylecastFuzzTargets"],
        path: "Tests/StylecastTextTests",
        swiftSettings: swiftSettings),
    // Needs ../shared/data (or STYLECAST_DATA_DIR) and, for Fashion-MNIST, dataset-fashion-mnist.
    .testTarget(
        name: "StylecastDatasetsTests",
        dependencies: ["StylecastDatasets", "StylecastProto", .swiftProtobuf, "StylecastFuzzTargets"],
        path: "Tests/StylecastDatasetsTests",
        swiftSettings: swiftSettings),
    .testTarget(
        name: "StylecastAttributesTests",
        dependencies: ["StylecastAttributes", "StylecastText"],
        path: "Tests/StylecastAttributesTests",
        swiftSettings: swiftSettings),
    // Attribute extraction measured on real labels (scripts/bench/attributes.sh runs it).
    .executableTarget(
        name: "attributes-eval",
        dependencies: ["StylecastDatasets", "StylecastCalendar", "StylecastAttributes", "StylecastText", "StylecastImageIO"],
        path: "Tests/Benchmarks/AttributesEval",
        swiftSettings: swiftSettings),
    // Benchmarks' Swift side (scripts/bench/tensor.sh runs it from a release build). Its sgemm
    // anchor is a direct cblas_sgemm call: the one place above StylecastTensor that imports CBLAS.
    .executableTarget(
        name: "tensor-bench",
        dependencies: ["StylecastCalendar", "StylecastTensor", "StylecastVision", "StylecastImageIO", "CBLAS"],
        path: "Tests/Benchmarks/TensorBench",
        swiftSettings: swiftSettings),
    // The Swift side of scripts/bench/embedding.sh: the service path with and without gRPC.
    .executableTarget(
        name: "embedding-bench",
        dependencies: ["StylecastCalendar", 
            "TextEmbeddingService", "StylecastText", "StylecastTensor", "StylecastClient", "StylecastProto", "StylecastGRPC",
            .grpcCore, .grpcHTTP2,
        ],
        path: "Tests/Benchmarks/EmbeddingBench",
        swiftSettings: swiftSettings),
    // The Swift side of scripts/bench/forecast.sh: fits every benchmark series, writes forecasts.
    .executableTarget(
        name: "forecast-bench",
        dependencies: ["StylecastCalendar", "StylecastForecast"],
        path: "Tests/Benchmarks/ForecastBench",
        swiftSettings: numericSwiftSettings),
    // The Swift side of scripts/bench/trend-calls.sh: the trend-call backtest and its parameter choice.
    .executableTarget(
        name: "trend-calls-bench",
        dependencies: ["StylecastTrends", "StylecastForecast", "StylecastDatasets", "StylecastCalendar"],
        path: "Tests/Benchmarks/TrendCallsBench",
        swiftSettings: numericSwiftSettings),
    // The Swift side of scripts/bench/new-product.sh: new-product forecasts on VISUELLE's split.
    .executableTarget(
        name: "new-product-bench",
        dependencies: ["StylecastForecast", "StylecastDatasets"],
        path: "Tests/Benchmarks/NewProductBench",
        swiftSettings: numericSwiftSettings),
    // Keys, entries, codecs, reasons and ports against the rules the services rely on.
    .testTarget(
        name: "StylecastContractsTests",
        dependencies: ["StylecastContracts", "StylecastRedis", "StylecastErrors"],
        path: "Tests/StylecastContractsTests",
        swiftSettings: swiftSettings),
    .testTarget(
        name: "StylecastCalendarTests", dependencies: ["StylecastCalendar"], path: "Tests/StylecastCalendarTests",
        swiftSettings: swiftSettings),
    .testTarget(
        name: "StylecastTrendsTests",
        dependencies: ["StylecastTrends", "StylecastCalendar", "StylecastDatasets"],
        path: "Tests/StylecastTrendsTests",
        swiftSettings: numericSwiftSettings),
    .testTarget(
        name: "StylecastForecastTests",
        dependencies: ["StylecastForecast", "StylecastErrors", "StylecastTensor", "StylecastDatasets"],
        path: "Tests/StylecastForecastTests",
        swiftSettings: numericSwiftSettings),
    // The Swift side of scripts/bench/generation.sh: style generator images per second.
    .executableTarget(
        name: "generator-bench",
        dependencies: ["StylecastCalendar", "StylecastVision", "StylecastTensor"],
        path: "Tests/Benchmarks/GeneratorBench",
        swiftSettings: numericSwiftSettings),
    // The Swift side of scripts/eval/generation.sh: conditional accuracy, classifier FID, contact sheet.
    .executableTarget(
        name: "generation-eval",
        dependencies: ["StylecastCalendar", "StylecastVision", "StylecastImageIO", "StylecastTensor"],
        path: "Tests/Benchmarks/GenerationEval",
        swiftSettings: numericSwiftSettings),
    // The Swift side of scripts/bench/load.sh: a mix of calls to all five services, RSS sampled.
    .executableTarget(
        name: "load-gen",
        dependencies: ["StylecastCalendar", "StylecastClient", "StylecastProto", "StylecastGRPC", .grpcCore, .grpcHTTP2],
        path: "Tests/Benchmarks/LoadGen",
        swiftSettings: swiftSettings),
    // The cache-miss load of scripts/bench/recommend-serving.sh: Recommend for distinct users.
    .executableTarget(
        name: "rec-load",
        dependencies: ["StylecastCalendar", "StylecastContracts", "StylecastClient", "StylecastProto", "StylecastGRPC", .grpcCore],
        path: "Tests/Benchmarks/RecLoad",
        swiftSettings: swiftSettings),
    // The Swift side of scripts/bench/recsys.sh: our recommenders on the shared splits.
    .executableTarget(
        name: "recsys-bench",
        dependencies: ["StylecastCalendar", "StylecastRecommender", "StylecastTensor"],
        path: "Tests/Benchmarks/RecsysBench",
        swiftSettings: numericSwiftSettings),
    .testTarget(
        name: "StylecastRecommenderTests",
        dependencies: ["StylecastRecommender", "StylecastTensor", "StylecastModelFormat"],
        path: "Tests/StylecastRecommenderTests",
        swiftSettings: swiftSettings),
    .testTarget(
        name: "StylecastTensorTests",
        dependencies: ["StylecastTensor"],
        path: "Tests/StylecastTensorTests",
        resources: [.copy("Fixtures")],
        swiftSettings: swiftSettings),
    // trend-aggregation's attributes, topics, request rules and report text without gRPC or Redis.
    .testTarget(
        name: "TrendAggregationServiceTests",
        dependencies: ["StylecastContracts", "TrendAggregationService", "StylecastProto", "StylecastTrends", "StylecastCalendar", "StylecastErrors"],
        path: "Tests/TrendAggregationServiceTests",
        swiftSettings: swiftSettings),
    // text-embedding's batch line (pure) and its batcher on the real model (models/, setup.sh).
    .testTarget(
        name: "TextEmbeddingServiceTests",
        dependencies: ["TextEmbeddingService", "StylecastText", .prometheus, .logging],
        path: "Tests/TextEmbeddingServiceTests",
        swiftSettings: swiftSettings),
    // The ingest service's rules without gRPC or Redis.
    .testTarget(
        name: "IngestServiceTests",
        dependencies: ["IngestService", "StylecastProto"],
        path: "Tests/IngestServiceTests",
        swiftSettings: swiftSettings),
    // The recommendation service's training, scoring and model encoding without gRPC or Redis.
    .testTarget(
        name: "ImageGenerationServiceTests",
        dependencies: ["ImageGenerationService", "StylecastVision", "StylecastImageIO", "StylecastAttributes"],
        path: "Tests/ImageGenerationServiceTests",
        swiftSettings: swiftSettings),
    .testTarget(
        name: "RecommendationServiceTests",
        dependencies: ["StylecastContracts", "RecommendationService", "StylecastProto", "StylecastRecommender", "StylecastRedis", "StylecastTestSupport"],
        path: "Tests/RecommendationServiceTests",
        swiftSettings: swiftSettings),
    .testTarget(
        name: "StylecastRedisTests",
        dependencies: ["StylecastRedis", "StylecastErrors", "StylecastTestSupport"],
        path: "Tests/StylecastRedisTests",
        swiftSettings: swiftSettings),
    .testTarget(
        name: "StylecastServiceKitTests",
        dependencies: ["StylecastContracts", 
            "StylecastServiceKit", "StylecastProto", "StylecastGRPC", "StylecastTestSupport",
            .grpcCore, .grpcHTTP2, .swiftProtobuf,
        ],
        path: "Tests/StylecastServiceKitTests",
        swiftSettings: swiftSettings),
    .testTarget(
        name: "EndToEndTests",
        dependencies: ["StylecastContracts", 
            "StylecastClient", "StylecastProto", "StylecastGRPC", "StylecastRedis", "StylecastTestSupport",
            "StylecastVision", "StylecastImageIO", "StylecastTrends", "StylecastDatasets", "StylecastCalendar",
            .grpcCore, .grpcHTTP2,
        ],
        path: "Tests/EndToEndTests",
        swiftSettings: swiftSettings),
    // Helpers shared by the test targets: the test Redis from scripts/test.sh, child processes.
    .target(
        name: "StylecastTestSupport",
        dependencies: ["StylecastRedis", "StylecastProto", "StylecastGRPC", .grpcCore],
        path: "Tests/StylecastTestSupport",
        swiftSettings: swiftSettings),
    // A real work-queue consumer process, killed and restarted by the work-queue tests.
    .executableTarget(
        name: "queue-drill",
        dependencies: ["StylecastRedis", .argumentParser, .logging],
        path: "Tests/QueueDrill",
        swiftSettings: swiftSettings),
    // The chaos drill (scripts/chaos.sh): the real services and Redis killed, restarted and
    // frozen while real data flows; every count checked against the files.
    .executableTarget(
        name: "chaos-drill",
        dependencies: ["StylecastCalendar", "StylecastContracts", 
            "StylecastClient", "StylecastProto", "StylecastGRPC", "StylecastRedis", "StylecastTestSupport",
            .grpcCore, .grpcHTTP2, .argumentParser, .logging,
        ],
        path: "Tests/ChaosDrill",
        swiftSettings: swiftSettings),
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
        path: "Tests/Fuzz/Targets",
        swiftSettings: swiftSettings),
    // The fuzz executable: a libFuzzer binary when scripts/fuzz.sh builds it, an input replayer
    // in a plain build.
    .executableTarget(
        name: "stylecast-fuzz",
        dependencies: ["StylecastFuzzTargets", "CLibFuzzer"],
        path: "Tests/Fuzz/Driver",
        swiftSettings: swiftSettings),
]

let package = Package(
    name: "Stylecast",
    platforms: [.macOS(.v15)],
    products: services.map { .executable(name: $0.executable, targets: [$0.executable]) } + [
        .executable(name: "stylecast", targets: ["stylecast"]),
        .executable(name: "queue-drill", targets: ["queue-drill"]),
        .executable(name: "chaos-drill", targets: ["chaos-drill"]),
        .executable(name: "tensor-bench", targets: ["tensor-bench"]),
        .executable(name: "embedding-bench", targets: ["embedding-bench"]),
        .executable(name: "attributes-eval", targets: ["attributes-eval"]),
        .executable(name: "forecast-bench", targets: ["forecast-bench"]),
        .executable(name: "recsys-bench", targets: ["recsys-bench"]),
        .executable(name: "generation-eval", targets: ["generation-eval"]),
        .executable(name: "load-gen", targets: ["load-gen"]),
        .executable(name: "rec-load", targets: ["rec-load"]),
        .executable(name: "generator-bench", targets: ["generator-bench"]),
        .executable(name: "new-product-bench", targets: ["new-product-bench"]),
        .executable(name: "trend-calls-bench", targets: ["trend-calls-bench"]),
        .executable(name: "stylecast-fuzz", targets: ["stylecast-fuzz"]),
    ],
    dependencies: dependencies,
    targets: targets
)
