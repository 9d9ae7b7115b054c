import Foundation
import GRPCCore
import StylecastErrors
import StylecastProto
import StylecastServiceKit
import StylecastVision

/// `stylecast.v1.ImageGeneration`: validates requests, asks text-embedding and
/// trend-aggregation what to draw, and has ``DesignStudio`` draw it.
public struct ImageGenerationRPCService: Stylecast_V1_ImageGeneration.SimpleServiceProtocol {
    private let studio: DesignStudio
    private let upstreams: Upstreams
    private let prototypes: ClassPrototypeCache
    private let configuration: ImageGenerationConfiguration
    /// Bounds the calls drawing at once and waiting to draw (reading prompts and asking for
    /// trends happen before, outside the gate).
    private let drawing: AdmissionGate

    init(studio: DesignStudio, upstreams: Upstreams, configuration: ImageGenerationConfiguration) {
        self.studio = studio
        self.upstreams = upstreams
        self.prototypes = ClassPrototypeCache(upstreams: upstreams)
        self.configuration = configuration
        self.drawing = AdmissionGate(
            work: "image-generation drawing", maxRunning: configuration.maxRunning, maxWaiting: configuration.maxWaiting,
            waitingVariable: "STYLECAST_IMAGE_MAX_WAITING")
    }

    public func generate(request: Stylecast_V1_GenerateRequest, context: ServerContext) async throws -> Stylecast_V1_GenerateResponse {
        let started = ContinuousClock.now
        let prompt = request.prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !prompt.isEmpty else { throw InvalidInput(field: "prompt", rule: "must not be empty") }
        guard prompt.utf8.count <= configuration.maxPromptBytes else {
            throw InvalidInput(
                field: "prompt", rule: "must be at most \(configuration.maxPromptBytes) bytes of UTF-8, got \(prompt.utf8.count)")
        }
        let count = try validatedCount(request.count, field: "count")
        let size = try validatedSize(request.size)

        async let attributes = upstreams.attributes(of: prompt)
        async let embedding = upstreams.embeddings(of: [prompt], field: "prompt")
        let interpreter = PromptInterpreter(prototypes: try await prototypes.get())
        let understood = try await attributes
        var notes: [String] = []
        let risingColors = understood.contains { $0.kind == "color" } ? [] : try await risingColorsIfAvailable(notes: &notes)
        let understanding = ContinuousClock.now
        let plan = interpreter.plan(attributes: understood, embedding: try await embedding[0], risingColors: risingColors)
        let designs = try await drawing.withAdmission {
            try studio.designs(plans: Array(repeating: plan, count: count), seed: request.seed, size: size)
        }
        return response(designs, attributes: plan.attributes, notes: notes, started: started, inferenceFrom: understanding)
    }

    /// The rising colours for a prompt that names none: an enrichment, so a trend service that
    /// cannot answer leaves them empty (the plan takes the default palette, origin `default`)
    /// and adds a note saying so instead of failing the design.
    private func risingColorsIfAvailable(notes: inout [String]) async throws -> [String] {
        do {
            return try await upstreams.risingValues(kind: "color", required: false)
        } catch let error as ImageGenerationError where error.isUpstreamFailure {
            notes.append("\(error.description); the default palette is used")
            return []
        }
    }

    public func mixStyles(request: Stylecast_V1_MixStylesRequest, context: ServerContext) async throws -> Stylecast_V1_GenerateResponse {
        let started = ContinuousClock.now
        let crossover = request.crossoverLayer == 0 ? StyleGenerator.defaultCrossover : Int(request.crossoverLayer)
        guard (1..<StyleGenerator.styleInputs).contains(crossover) else {
            throw InvalidInput(
                field: "crossover_layer",
                rule: "must be 0 (default \(StyleGenerator.defaultCrossover)) or between 1 and \(StyleGenerator.styleInputs - 1), got \(request.crossoverLayer)")
        }
        var garmentClass: GarmentClass?
        if !request.category.isEmpty {
            guard let named = GarmentClass(name: request.category) else {
                throw InvalidInput(
                    field: "category",
                    rule: "must be empty or one of \(GarmentClass.allCases.map(\.name).joined(separator: ", ")), got \"\(request.category)\"")
            }
            garmentClass = named
        }
        let size = try validatedSize(request.size)
        let designs = try await drawing.withAdmission {
            try studio.mixedDesigns(
                seedA: request.seedA, seedB: request.seedB, crossover: crossover, garmentClass: garmentClass, size: size)
        }
        let attributes = [
            DesignAttribute(
                kind: "category", value: designs[0].garmentClass.name, confidence: 1,
                origin: garmentClass == nil ? "seed" : "request")
        ]
        return response(designs, attributes: attributes, notes: [], started: started, inferenceFrom: started)
    }

    public func generateFromTrends(
        request: Stylecast_V1_GenerateFromTrendsRequest, context: ServerContext
    ) async throws -> Stylecast_V1_GenerateResponse {
        let started = ContinuousClock.now
        let count = try validatedCount(request.n, field: "n")
        let size = try validatedSize(request.size)
        async let categories = upstreams.risingValues(kind: "category")
        async let colors = upstreams.risingValues(kind: "color")
        async let patterns = upstreams.risingValues(kind: "pattern")
        let plans = try TrendDesignPlanner.plans(
            count: count, categories: try await categories, colors: try await colors, patterns: try await patterns,
            seed: request.seed)
        let planned = ContinuousClock.now
        let designs = try await drawing.withAdmission { try studio.designs(plans: plans, seed: request.seed, size: size) }
        var attributes: [DesignAttribute] = []
        for attribute in plans.flatMap(\.attributes) where !attributes.contains(attribute) { attributes.append(attribute) }
        return response(designs, attributes: attributes, notes: [], started: started, inferenceFrom: planned)
    }

    private func validatedCount(_ value: UInt32, field: String) throws -> Int {
        guard value >= 1, value <= configuration.maxCount else {
            throw InvalidInput(field: field, rule: "must be between 1 and \(configuration.maxCount), got \(value)")
        }
        return Int(value)
    }

    private func validatedSize(_ value: UInt32) throws -> Int {
        guard value != 0 else { return configuration.defaultSize }
        guard value >= UInt32(StyleGenerator.imageSide), value <= configuration.maxSize else {
            throw InvalidInput(
                field: "size",
                rule: "must be 0 (default \(configuration.defaultSize)) or between \(StyleGenerator.imageSide) and \(configuration.maxSize) pixels, got \(value)")
        }
        return Int(value)
    }

    private func response(
        _ designs: [Design], attributes: [DesignAttribute], notes: [String], started: ContinuousClock.Instant,
        inferenceFrom inferenceStart: ContinuousClock.Instant
    ) -> Stylecast_V1_GenerateResponse {
        let finished = ContinuousClock.now
        func milliseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
        return .with { response in
            response.images = designs.map { design in
                .with {
                    $0.png = Data(design.png)
                    $0.category = design.garmentClass.name
                    $0.seed = design.seed
                    $0.palette = design.palette
                    $0.pattern = design.pattern.rawValue
                    $0.width = Int32(design.size)
                    $0.height = Int32(design.size)
                }
            }
            response.attributes = attributes.map { attribute in
                .with {
                    $0.kind = attribute.kind
                    $0.value = attribute.value
                    $0.confidence = attribute.confidence
                    $0.origin = attribute.origin
                }
            }
            response.notes = notes
            response.timings = .with {
                $0.inferenceMs = milliseconds(finished - inferenceStart)
                $0.totalMs = milliseconds(finished - started)
            }
        }
    }
}

/// The class prototypes, embedded by text-embedding on first use and kept; a failed attempt
/// is retried by the next call.
actor ClassPrototypeCache {
    private let upstreams: Upstreams
    private var prototypes: ClassPrototypes?

    init(upstreams: Upstreams) {
        self.upstreams = upstreams
    }

    func get() async throws -> ClassPrototypes {
        if let prototypes { return prototypes }
        let embeddings = try await upstreams.embeddings(of: ClassPrototypes.allPrompts, field: "class prompts")
        let built = try ClassPrototypes(promptEmbeddings: embeddings)
        prototypes = built
        return built
    }
}

/// Builds the image-generation service's parts for ``ServiceMain``.
public enum ImageGenerationServiceBuilder {
    /// The RPC handlers and background work of the image-generation service: the generator
    /// (loaded before the service reports SERVING) and the connections to text-embedding and
    /// trend-aggregation.
    public static func parts(context: ServiceContext) async throws -> ServiceParts {
        let configuration = try ImageGenerationConfiguration.read(environment: context.environment)
        let generator = try StyleGenerator.load(environment: context.environment)
        context.logger.info(
            "style generator loaded",
            metadata: [
                "text_embedding": "\(configuration.textEmbedding)", "trends": "\(configuration.trends)",
                "default_size": "\(configuration.defaultSize)",
            ])
        let upstreams = Upstreams(
            textEmbedding: try UpstreamConnection(
                name: "text-embedding", endpoint: configuration.textEmbedding, timeout: configuration.upstreamTimeout),
            trends: try UpstreamConnection(
                name: "trend-aggregation", endpoint: configuration.trends, timeout: configuration.upstreamTimeout))
        return ServiceParts(
            rpcServices: [
                ImageGenerationRPCService(
                    studio: DesignStudio(generator: generator), upstreams: upstreams, configuration: configuration)
            ],
            backgroundServices: [upstreams.textEmbedding, upstreams.trends])
    }
}
