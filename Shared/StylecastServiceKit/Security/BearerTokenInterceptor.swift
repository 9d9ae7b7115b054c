import GRPCCore

/// Refuses every RPC that does not carry `authorization: Bearer <token>` with the configured
/// token (`STYLECAST_AUTH_TOKEN`), except the health service, which orchestrators probe without
/// credentials. A refused call gets UNAUTHENTICATED and never reaches the handler.
///
/// The token is compared in constant time (the time depends only on the configured token's
/// length), so response times do not reveal how much of a guess was right.
public struct BearerTokenInterceptor: ServerInterceptor {
    /// Services callable without a token.
    public static let exemptServices: Set<String> = ["grpc.health.v1.Health"]

    private let expected: [UInt8]

    /// - Parameter token: The shared secret every caller must present.
    public init(token: String) {
        expected = Array(token.utf8)
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        guard !Self.exemptServices.contains(context.descriptor.service.fullyQualifiedService) else {
            return try await next(request, context)
        }
        let presented = request.metadata[stringValues: "authorization"].first { _ in true }
        guard let presented, presented.hasPrefix("Bearer "),
            Self.constantTimeEquals(Array(presented.utf8.dropFirst(7)), expected)
        else {
            throw RPCError(
                code: .unauthenticated,
                message: presented == nil
                    ? "authorization: missing; send \"authorization: Bearer <token>\" metadata"
                    : "authorization: the bearer token is not valid")
        }
        return try await next(request, context)
    }

    /// Whether two byte strings are equal, in a time that depends only on `expected.count`.
    static func constantTimeEquals(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt8 = presented.count == expected.count ? 0 : 1
        for index in 0..<expected.count {
            difference |= (index < presented.count ? presented[index] : 0) ^ expected[index]
        }
        return difference == 0
    }
}
