import GRPCCore
import StylecastErrors
import StylecastServiceKit
import Testing

struct Failure: StylecastError {
    var failureKind: FailureKind
    var description: String { "failure of kind \(failureKind.rawValue)" }
}

struct UnclassifiedError: Error {}

@Suite("The error-to-status table")
struct ErrorStatusTableTests {
    @Test(
        "each failure kind has its status code",
        arguments: [
            (FailureKind.invalidInput, RPCError.Code.invalidArgument),
            (.notFound, .notFound),
            (.overLimit, .resourceExhausted),
            (.unavailable, .unavailable),
            (.deadlineExceeded, .deadlineExceeded),
            (.bug, .internalError),
        ])
    func kinds(kind: FailureKind, code: RPCError.Code) {
        let error = ErrorStatusTable.rpcError(for: Failure(failureKind: kind))
        #expect(error.code == code)
        #expect(error.message == "failure of kind \(kind.rawValue)")
    }

    @Test("invalid input names the field and the limit")
    func invalidInputMessage() {
        let error = ErrorStatusTable.rpcError(for: InvalidInput(field: "texts", rule: "must hold at most 256 texts"))
        #expect(error.code == .invalidArgument)
        #expect(error.message == "texts: must hold at most 256 texts")
    }

    @Test("no error reaches a client as UNKNOWN")
    func neverUnknown() {
        #expect(ErrorStatusTable.rpcError(for: UnclassifiedError()).code == .internalError)
        #expect(ErrorStatusTable.rpcError(for: RPCError(code: .unknown, message: "x")).code == .internalError)
        #expect(ErrorStatusTable.rpcError(for: CancellationError()).code == .cancelled)
        for kind in FailureKind.allCases {
            #expect(ErrorStatusTable.code(for: kind) != .unknown)
        }
    }

    @Test("an RPCError passes through unchanged")
    func passThrough() {
        let original = RPCError(code: .permissionDenied, message: "no")
        #expect(ErrorStatusTable.rpcError(for: original) == original)
    }
}
