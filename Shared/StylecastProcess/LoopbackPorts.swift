import Foundation
import Synchronization

/// Hands out listening ports for the servers `stylecast up` and the tests start: free when
/// checked, each handed out once per process, and below the kernel's ephemeral range.
///
/// Why not port 0: the kernel picks port-0 binds from the ephemeral range
/// (`/proc/sys/net/ipv4/ip_local_port_range`, 32768-60999 by default), the same range it gives
/// every outgoing connection. A port read that way is released at once, and a service started
/// a second later, or restarted on the same port as the chaos drill does, can find it taken by
/// a client's connection (a Redis pool, a health probe) and exit with "address in use". The
/// kernel never gives an outgoing connection a port below that range, so a port checked free
/// there stays free unless another server binds it.
public enum LoopbackPorts {
    /// Why no port could be found.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Random candidates tried before giving up.
    static let attempts = 200

    /// Where ports are drawn from: 10000 up to just below the ephemeral range, or, when that
    /// range starts too low to leave 1,000 ports, the ephemeral range itself (port 0).
    static let range: ClosedRange<Int>? = {
        let ephemeralLow =
            (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
            .flatMap { $0.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } } ?? 32768
        return ephemeralLow - 1 - 10_000 >= 1_000 ? 10_000...(ephemeralLow - 1) : nil
    }()

    private static let handedOut = Mutex<Set<Int>>([])

    /// A port nobody listens on now and that this process has not handed out before.
    public static func next() throws -> Int {
        guard let range else {
            if let port = try bindable(0) { return port }
            throw Failure(description: "could not bind a loopback port")
        }
        for _ in 0..<attempts {
            let candidate = Int.random(in: range)
            guard handedOut.withLock({ $0.insert(candidate).inserted }) else { continue }
            if try bindable(candidate) != nil { return candidate }
        }
        throw Failure(
            description: "no free loopback port in \(range.lowerBound)-\(range.upperBound) after \(attempts) tries")
    }

    /// Binds a socket to 127.0.0.1:`port` and closes it.
    /// - Returns: The port bound (the kernel's choice for 0), `nil` when it is taken.
    private static func bindable(_ port: Int) throws -> Int? {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(socketFD, raw, length) == 0 && getsockname(socketFD, raw, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
