import GRPCCore

/// The error an RPC of the v1 contract answers until the issue that builds it lands:
/// UNIMPLEMENTED, naming the method and the issue, so that a caller knows it is planned.
public func plannedRPC(_ method: String, issue: Int) -> RPCError {
    RPCError(code: .unimplemented, message: "\(method) is part of the v1 API but not built yet (issue #\(issue))")
}
