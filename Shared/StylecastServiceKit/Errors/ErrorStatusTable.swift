import GRPCCore
import Logging
import StylecastErrors

/// The one table that turns errors thrown by Stylecast's libraries into gRPC statuses.
///
/// | thrown | status |
/// |---|---|
/// | ``StylecastError`` `.invalidInput` | INVALID_ARGUMENT (message names the field and the limit) |
/// | `.notFound` | NOT_FOUND |
/// | `.overLimit` | RESOURCE_EXHAUSTED |
/// | `.unavailable` (Redis, a model) | UNAVAILABLE |
/// | `.deadlineExceeded` | DEADLINE_EXCEEDED |
/// | `.bug` and any other error | INTERNAL |
/// | `RPCError` | unchanged (INVALID_ARGUMENT gets its cause appended: why a request did not decode) |
/// | `CancellationError` | CANCELLED |
///
/// Nothing reaches a client as UNKNOWN.
public enum ErrorStatusTable {
    /// The status code for a failure kind.
    public static func code(for kind: FailureKind) -> RPCError.Code {
        switch kind {
        case .invalidInput: .invalidArgument
        case .notFound: .notFound
        case .overLimit: .resourceExhausted
        case .unavailable: .unavailable
        case .deadlineExceeded: .deadlineExceeded
        case .bug: .internalError
        }
    }

    /// The `RPCError` a client receives for `error`.
    public static func rpcError(for error: any Error) -> RPCError {
        switch error {
        case let rpcError as RPCError:
            if rpcError.code == .unknown {
                return RPCError(code: .internalError, message: rpcError.message, cause: rpcError)
            }
            // A request that does not decode: the transport says which message type, the
            // protobuf decoder's cause says what is wrong with it (truncated, invalid UTF-8, ...).
            if rpcError.code == .invalidArgument, let cause = rpcError.cause {
                return RPCError(code: .invalidArgument, message: "\(rpcError.message) (\(cause))", cause: cause)
            }
            return rpcError
        case let classified as any StylecastError:
            return RPCError(code: code(for: classified.failureKind), message: classified.description, cause: classified)
        case is CancellationError:
            return RPCError(code: .cancelled, message: "the call was cancelled")
        default:
            return RPCError(code: .internalError, message: "internal error (\(type(of: error)))", cause: error)
        }
    }
}

/// Applies ``ErrorStatusTable`` to every RPC, for errors thrown before the response starts
/// and for errors thrown while it streams, and logs internal errors with their cause.
public struct ErrorMappingInterceptor: ServerInterceptor {
    private let logger: Logger

    /// Creates the interceptor.
    /// - Parameter logger: Receives one line per INTERNAL error.
    public init(logger: Logger) {
        self.logger = logger
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let logger = self.logger
        // The method's full name is built only for the log line: this runs for every call.
        let descriptor = context.descriptor
        @Sendable func mapped(_ error: any Error) -> RPCError {
            let rpcError = ErrorStatusTable.rpcError(for: error)
            if rpcError.code == .internalError {
                logger.error(
                    "internal error",
                    metadata: ["rpc": "\(descriptor.fullyQualifiedMethod)", "error": "\(String(reflecting: error))"])
            }
            return rpcError
        }
        let response: StreamingServerResponse<Output>
        do {
            response = try await next(request, context)
        } catch {
            throw mapped(error)
        }
        switch response.accepted {
        case .failure(let error):
            return StreamingServerResponse(error: mapped(error))
        case .success(var contents):
            let producer = contents.producer
            contents.producer = { writer in
                do {
                    return try await producer(writer)
                } catch {
                    throw mapped(error)
                }
            }
            return StreamingServerResponse(accepted: .success(contents))
        }
    }
}
