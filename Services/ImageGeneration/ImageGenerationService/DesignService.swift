import Foundation
import StylecastErrors
import StylecastServiceKit
import StylecastVision

/// What image-generation asks the other services: a prompt's attributes and embedding
/// (text-embedding) and the rising values of an attribute kind (trend-aggregation). The RPC layer
/// implements it over gRPC (`Upstreams`).
protocol DesignUpstreams: Sendable {
    /// The attributes text-embedding reads in a prompt.
    func attributes(of prompt: String) async throws -> [DesignAttribute]
    /// The sentence embeddings of `texts`; `field` names them in errors.
    func embeddings(of texts: [String], field: String) async throws -> [[Float]]
    /// The rising values of an attribute kind, most rising first; `required` says whether an
    /// empty answer is an error.
    func risingValues(kind: String, required: Bool) async throws -> [String]
}

/// Designs drawn for one call, with what they were drawn from.
struct DesignBatch: Sendable {
    var designs: [Design]
    /// The attributes the designs follow, each once.
    var attributes: [DesignAttribute]
    /// What the caller should know, e.g. that trends were unavailable.
    var notes: [String]
    /// When planning ended and drawing began (the response's inference time starts there).
    var drawingStarted: ContinuousClock.Instant
}

/// What image-generation does, without gRPC: the request limits, reading a prompt (through the
/// upstream services), planning designs from it or from the trends, and drawing them behind an
/// admission gate that bounds the calls drawing at once and waiting to draw (reading prompts
/// and asking for trends happen before, outside the gate).
struct DesignService: Sendable {
    private let studio: DesignStudio
    private let upstreams: any DesignUpstreams
    private let prototypes: ClassPrototypeCache
    private let configuration: ImageGenerationConfiguration
    private let drawing: AdmissionGate

    init(studio: DesignStudio, upstreams: any DesignUpstreams, configuration: ImageGenerationConfiguration) {
        self.studio = studio
        self.upstreams = upstreams
        self.prototypes = ClassPrototypeCache(upstreams: upstreams)
        self.configuration = configuration
        self.drawing = AdmissionGate(
            work: "image-generation drawing", maxRunning: configuration.maxRunning, maxWaiting: configuration.maxWaiting,
            waitingVariable: "STYLECAST_IMAGE_MAX_WAITING")
    }

    /// `count` designs of what `prompt` asks for (0 size: the default).
    /// - Throws: ``InvalidInput`` naming a limit, an upstream failure, `AdmissionRefused`.
    func generate(prompt rawPrompt: String, count rawCount: UInt32, size rawSize: UInt32, seed: UInt64) async throws -> DesignBatch {
        let prompt = rawPrompt.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !prompt.isEmpty else { throw InvalidInput(field: "prompt", rule: "must not be empty") }
        guard prompt.utf8.count <= configuration.maxPromptBytes else {
            throw InvalidInput(
                field: "prompt", rule: "must be at most \(configuration.maxPromptBytes) bytes of UTF-8, got \(prompt.utf8.count)")
        }
        let count = try validatedCount(rawCount, field: "count")
        let size = try validatedSize(rawSize)

        async let attributes = upstreams.attributes(of: prompt)
        async let embedding = upstreams.embeddings(of: [prompt], field: "prompt")
        let interpreter = PromptInterpreter(prototypes: try await prototypes.get())
        let understood = try await attributes
        var notes: [String] = []
        let risingColors = understood.contains { $0.kind == "color" } ? [] : try await risingColorsIfAvailable(notes: &notes)
        let planned = ContinuousClock.now
        let plan = interpreter.plan(attributes: understood, embedding: try await embedding[0], risingColors: risingColors)
        let designs = try await drawing.withAdmission {
            try studio.designs(plans: Array(repeating: plan, count: count), seed: seed, size: size)
        }
        return DesignBatch(designs: designs, attributes: plan.attributes, notes: notes, drawingStarted: planned)
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

    /// The style of seed A with the coarse layers of seed B from layer `crossover` (0: the
    /// default), of class `category` (empty: seed A's).
    /// - Throws: ``InvalidInput`` naming a limit, `AdmissionRefused`.
    func mixStyles(
        seedA: UInt64, seedB: UInt64, crossoverLayer: UInt32, category: String, size rawSize: UInt32
    ) async throws -> DesignBatch {
        let started = ContinuousClock.now
        let crossover = crossoverLayer == 0 ? StyleGenerator.defaultCrossover : Int(crossoverLayer)
        guard (1..<StyleGenerator.styleInputs).contains(crossover) else {
            throw InvalidInput(
                field: "crossover_layer",
                rule: "must be 0 (default \(StyleGenerator.defaultCrossover)) or between 1 and \(StyleGenerator.styleInputs - 1), got \(crossoverLayer)")
        }
        let garmentClass = category.isEmpty ? nil : GarmentClass(name: category)
        guard category.isEmpty || garmentClass != nil else {
            throw InvalidInput(
                field: "category",
                rule: "must be empty or one of \(GarmentClass.allCases.map(\.name).joined(separator: ", ")), got \"\(category)\"")
        }
        let size = try validatedSize(rawSize)
        let designs = try await drawing.withAdmission {
            try studio.mixedDesigns(seedA: seedA, seedB: seedB, crossover: crossover, garmentClass: garmentClass, size: size)
        }
        let attributes = [
            DesignAttribute(
                kind: "category", value: designs[0].garmentClass.name, confidence: 1,
                origin: garmentClass == nil ? "seed" : "request")
        ]
        return DesignBatch(designs: designs, attributes: attributes, notes: [], drawingStarted: started)
    }

    /// `count` designs of the rising categories, colours and patterns.
    /// - Throws: ``InvalidInput`` naming a limit, an upstream failure, `AdmissionRefused`.
    func generateFromTrends(count rawCount: UInt32, size rawSize: UInt32, seed: UInt64) async throws -> DesignBatch {
        let count = try validatedCount(rawCount, field: "n")
        let size = try validatedSize(rawSize)
        async let categories = upstreams.risingValues(kind: "category", required: true)
        async let colors = upstreams.risingValues(kind: "color", required: true)
        async let patterns = upstreams.risingValues(kind: "pattern", required: true)
        let plans = try TrendDesignPlanner.plans(
            count: count, categories: try await categories, colors: try await colors, patterns: try await patterns,
            seed: seed)
        let planned = ContinuousClock.now
        let designs = try await drawing.withAdmission { try studio.designs(plans: plans, seed: seed, size: size) }
        var attributes: [DesignAttribute] = []
        for attribute in plans.flatMap(\.attributes) where !attributes.contains(attribute) { attributes.append(attribute) }
        return DesignBatch(designs: designs, attributes: attributes, notes: [], drawingStarted: planned)
    }

    private func validatedCount(_ value: UInt32, field: String) throws(InvalidInput) -> Int {
        guard value >= 1, value <= configuration.maxCount else {
            throw InvalidInput(field: field, rule: "must be between 1 and \(configuration.maxCount), got \(value)")
        }
        return Int(value)
    }

    private func validatedSize(_ value: UInt32) throws(InvalidInput) -> Int {
        guard value != 0 else { return configuration.defaultSize }
        guard value >= UInt32(StyleGenerator.imageSide), value <= configuration.maxSize else {
            throw InvalidInput(
                field: "size",
                rule: "must be 0 (default \(configuration.defaultSize)) or between \(StyleGenerator.imageSide) and \(configuration.maxSize) pixels, got \(value)")
        }
        return Int(value)
    }
}

/// The class prototypes, embedded by text-embedding on first use and kept; a failed attempt
/// is retried by the next call.
actor ClassPrototypeCache {
    private let upstreams: any DesignUpstreams
    private var prototypes: ClassPrototypes?

    init(upstreams: any DesignUpstreams) {
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
