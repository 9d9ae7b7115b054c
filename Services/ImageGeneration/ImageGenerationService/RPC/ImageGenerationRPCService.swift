import Foundation
import GRPCCore
import StylecastCalendar
import StylecastGRPC
import StylecastProto
import StylecastServiceKit
import StylecastVision

/// `stylecast.v1.ImageGeneration`: translates messages to and from ``DesignService``.
package struct ImageGenerationRPCService: Stylecast_V1_ImageGeneration.SimpleServiceProtocol {
    private let service: DesignService

    init(service: DesignService) { self.service = service }

    package func generate(request: Stylecast_V1_GenerateRequest, context: ServerContext) async throws -> Stylecast_V1_GenerateResponse {
        try await response {
            try await service.generate(prompt: request.prompt, count: request.count, size: request.size, seed: request.seed)
        }
    }

    package func mixStyles(request: Stylecast_V1_MixStylesRequest, context: ServerContext) async throws -> Stylecast_V1_GenerateResponse {
        try await response {
            try await service.mixStyles(
                seedA: request.seedA, seedB: request.seedB, crossoverLayer: request.crossoverLayer,
                category: request.category, size: request.size)
        }
    }

    package func generateFromTrends(
        request: Stylecast_V1_GenerateFromTrendsRequest, context: ServerContext
    ) async throws -> Stylecast_V1_GenerateResponse {
        try await response { try await service.generateFromTrends(count: request.n, size: request.size, seed: request.seed) }
    }

    /// Runs one call of the core and translates its designs, timed from the start of the call.
    private func response(_ call: () async throws -> DesignBatch) async throws -> Stylecast_V1_GenerateResponse {
        let started = ContinuousClock.now
        let batch = try await call()
        let finished = ContinuousClock.now
        return .with { response in
            response.images = batch.designs.map { design in
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
            response.attributes = batch.attributes.map { attribute in
                .with {
                    $0.kind = attribute.kind
                    $0.value = attribute.value
                    $0.confidence = attribute.confidence
                    $0.origin = attribute.origin
                }
            }
            response.notes = batch.notes
            response.timings = .with {
                $0.inferenceMs = (finished - batch.drawingStarted).milliseconds
                $0.totalMs = (finished - started).milliseconds
            }
        }
    }
}

/// Builds the image-generation service's parts for ``ServiceMain``.
package enum ImageGenerationServiceBuilder {
    /// The RPC handlers and background work of the image-generation service: the generator
    /// (loaded before the service reports SERVING) and the connections to text-embedding and
    /// trend-aggregation.
    package static func parts(context: ServiceContext) async throws -> ServiceParts {
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
                    service: DesignService(
                        studio: DesignStudio(generator: generator), upstreams: upstreams, configuration: configuration))
            ],
            backgroundServices: [upstreams.textEmbedding, upstreams.trends])
    }
}
