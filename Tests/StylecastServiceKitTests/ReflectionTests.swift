import Foundation
import StylecastProto
import StylecastServiceKit
import SwiftProtobuf
import Testing

@Suite("Server reflection")
struct ReflectionTests {
    let index: DescriptorIndex

    init() throws {
        index = try DescriptorIndex(base64: stylecastFileDescriptorSetBase64)
    }

    func names(_ files: [Data]?) throws -> [String] {
        try (files ?? []).map { try Google_Protobuf_FileDescriptorProto(serializedBytes: $0).name }
    }

    @Test("the compiled descriptor set holds every proto under Protos/")
    func allFiles() {
        #expect(index.fileNames == [
            "grpc/health/v1/health.proto", "grpc/reflection/v1alpha/reflection.proto",
            "stylecast/v1/common.proto", "stylecast/v1/image_generation.proto", "stylecast/v1/ingest.proto",
            "stylecast/v1/recommendation.proto", "stylecast/v1/text_embedding.proto",
            "stylecast/v1/trend_aggregation.proto",
        ])
    }

    @Test(
        "a symbol resolves to its file followed by the files it imports",
        arguments: [
            ("stylecast.v1.Ingest", ["stylecast/v1/ingest.proto", "stylecast/v1/common.proto"]),
            ("stylecast.v1.TextEmbedding.Embed", ["stylecast/v1/text_embedding.proto", "stylecast/v1/common.proto"]),
            ("stylecast.v1.Embedding", ["stylecast/v1/common.proto"]),
            ("grpc.health.v1.HealthCheckResponse.ServingStatus", ["grpc/health/v1/health.proto"]),
        ])
    func symbols(symbol: String, files: [String]) throws {
        #expect(try names(index.filesContaining(symbol: symbol)) == files)
    }

    @Test("unknown symbols and files are not found")
    func unknown() {
        #expect(index.filesContaining(symbol: "stylecast.v1.Nope") == nil)
        #expect(index.filesWithDependencies(of: "nope.proto") == nil)
    }

    @Test("list_services answers the registered services, sorted")
    func listServices() {
        let service = ReflectionService(index: index, serviceNames: ["b.B", "a.A"])
        let response = service.answer(.with { $0.listServices = "" })
        #expect(response.listServicesResponse.service.map(\.name) == ["a.A", "b.B"])
    }

    @Test("an unknown symbol gets error_response NOT_FOUND naming it")
    func notFoundResponse() {
        let service = ReflectionService(index: index, serviceNames: [])
        let response = service.answer(.with { $0.fileContainingSymbol = "x.Y" })
        #expect(response.errorResponse.errorCode == 5)
        #expect(response.errorResponse.errorMessage.contains("x.Y"))
    }

    @Test("a corrupt descriptor set is a typed error, not a crash")
    func corrupt() {
        #expect(throws: DescriptorIndex.Failure.self) { try DescriptorIndex(base64: "!!!") }
        #expect(throws: DescriptorIndex.Failure.self) { try DescriptorIndex(base64: "/////w==") }
    }
}
