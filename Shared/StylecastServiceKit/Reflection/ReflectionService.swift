import Foundation
import GRPCCore
import StylecastGRPC
import StylecastProto

/// `grpc.reflection.v1alpha.ServerReflection`: lists the services a process serves and
/// answers file and symbol queries from the descriptors compiled in by
/// `scripts/generate-protos.sh`.
public struct ReflectionService: Grpc_Reflection_V1alpha_ServerReflection.SimpleServiceProtocol {
    private let index: DescriptorIndex
    private let serviceNames: [String]

    /// Creates the service.
    /// - Parameters:
    ///   - index: Descriptors of every proto the process knows.
    ///   - serviceNames: Fully-qualified names of the services this process registers.
    public init(index: DescriptorIndex, serviceNames: [String]) {
        self.index = index
        self.serviceNames = serviceNames.sorted()
    }

    public func serverReflectionInfo(
        request: RPCAsyncSequence<Grpc_Reflection_V1alpha_ServerReflectionRequest, any Error>,
        response: RPCWriter<Grpc_Reflection_V1alpha_ServerReflectionResponse>,
        context: ServerContext
    ) async throws {
        for try await message in request {
            try await response.write(answer(message))
        }
    }

    /// The answer to one reflection request.
    public func answer(
        _ request: Grpc_Reflection_V1alpha_ServerReflectionRequest
    ) -> Grpc_Reflection_V1alpha_ServerReflectionResponse {
        var response = Grpc_Reflection_V1alpha_ServerReflectionResponse()
        response.validHost = request.host
        response.originalRequest = request
        switch request.messageRequest {
        case .listServices:
            response.listServicesResponse = .with {
                $0.service = serviceNames.map { name in .with { $0.name = name } }
            }
        case .fileByFilename(let name):
            response.messageResponse = files(index.filesWithDependencies(of: name), missing: "file \"\(name)\"")
        case .fileContainingSymbol(let symbol):
            response.messageResponse = files(index.filesContaining(symbol: symbol), missing: "symbol \"\(symbol)\"")
        case .fileContainingExtension(let extensionRequest):
            response.errorResponse = notFound(
                "no extension \(extensionRequest.extensionNumber) of \"\(extensionRequest.containingType)\" (Stylecast's protos declare no extensions)")
        case .allExtensionNumbersOfType(let type):
            if index.contains(symbol: type) {
                response.allExtensionNumbersResponse = .with { $0.baseTypeName = type }
            } else {
                response.errorResponse = notFound("unknown type \"\(type)\"")
            }
        case nil:
            response.errorResponse = .with {
                $0.errorCode = Int32(RPCError.Code.invalidArgument.rawValue)
                $0.errorMessage = "message_request: one of its fields must be set"
            }
        }
        return response
    }

    private func files(
        _ files: [Data]?, missing: String
    ) -> Grpc_Reflection_V1alpha_ServerReflectionResponse.OneOf_MessageResponse {
        guard let files else { return .errorResponse(notFound("unknown \(missing)")) }
        return .fileDescriptorResponse(.with { $0.fileDescriptorProto = files })
    }

    private func notFound(_ message: String) -> Grpc_Reflection_V1alpha_ErrorResponse {
        .with {
            $0.errorCode = Int32(RPCError.Code.notFound.rawValue)
            $0.errorMessage = message
        }
    }
}
