import Foundation
import StylecastRedis
import Synchronization

/// A throwaway `redis-server` on a loopback port with its own temporary directory and no
/// persistence, for tests that need a real Redis (or need to kill and restart one).
///
/// It runs under a small shell watchdog whose standard input is a pipe from this process: when
/// this process ends, even by a crash, the pipe closes and the watchdog stops the server, so no
/// `redis-server` outlives the tests.
public final class TestRedisServer: Sendable {
    /// Why a server could not be started.
    public enum StartError: Error, CustomStringConvertible {
        /// `redis-server` could not be launched; carries the reason.
        case launchFailed(String)
        /// It did not answer `PING` in time; carries the log's tail.
        case notReady(String)

        /// What went wrong.
        public var description: String {
            switch self {
            case .launchFailed(let reason): return "could not launch redis-server: \(reason)"
            case .notReady(let log): return "redis-server did not become ready; log:\n\(log)"
            }
        }
    }

    /// The loopback port it listens on.
    public let port: Int
    /// The process ID of `redis-server` itself.
    public let pid: pid_t
    /// Its temporary working directory (holds `redis.log`).
    public let directory: URL
    private let watchdog: Process
    private let watchdogInput: FileHandle

    /// The URL of this server, database 0.
    public var url: RedisURL { RedisURL(host: "127.0.0.1", port: port) }

    private init(port: Int, pid: pid_t, directory: URL, watchdog: Process, input: FileHandle) {
        self.port = port
        self.pid = pid
        self.directory = directory
        self.watchdog = watchdog
        self.watchdogInput = input
    }

    /// Starts a server and waits until it answers `PING`.
    /// - Parameters:
    ///   - port: The port, or `nil` for a free one.
    ///   - readyTimeout: How long to wait for `PING` to succeed.
    /// - Returns: The running server.
    public static func start(port: Int? = nil, readyTimeout: Duration = .seconds(10)) async throws -> TestRedisServer {
        let port = try port ?? freeLoopbackPort()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("stylecast-redis-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = [
            "-c", #"redis-server "$@" & echo $!; read _; kill $! 2>/dev/null; wait"#, "redis-watchdog",
            "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", directory.path, "--logfile", directory.appendingPathComponent("redis.log").path,
        ]
        let input = Pipe()
        let output = Pipe()
        watchdog.standardInput = input
        watchdog.standardOutput = output
        do {
            try watchdog.run()
        } catch {
            throw StartError.launchFailed("\(error)")
        }
        let line = output.fileHandleForReading.readLine()
        guard let pid = pid_t(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw StartError.launchFailed("watchdog printed '\(line)' instead of a process ID")
        }
        let server = TestRedisServer(
            port: port, pid: pid, directory: directory, watchdog: watchdog,
            input: input.fileHandleForWriting)
        ShutdownRegistry.register(pid)

        let client = RedisClient(
            configuration: .init(
                url: server.url, poolSize: 1, reconnectBackoff: .milliseconds(10),
                maximumReconnectBackoff: .milliseconds(50)))
        let deadline = ContinuousClock.now + readyTimeout
        var ready = false
        while !ready, ContinuousClock.now < deadline {
            ready = await client.isReachable()
            if !ready { try? await Task.sleep(for: .milliseconds(20)) }
        }
        await client.shutdown()
        if ready { return server }
        server.stop()
        throw StartError.notReady(server.logTail())
    }

    /// Sends a signal to `redis-server` (e.g. `SIGTERM`, `SIGKILL`) and, unless it is
    /// `SIGSTOP`/`SIGCONT`, waits until the process is gone.
    /// - Parameter signal: The signal number.
    public func send(signal: Int32) async {
        kill(pid, signal)
        guard signal != SIGSTOP, signal != SIGCONT else { return }
        for _ in 0..<500 where kill(pid, 0) == 0 {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Stops the server and its watchdog and removes the temporary directory.
    public func stop() {
        kill(pid, SIGTERM)
        try? watchdogInput.close()
        watchdog.waitUntilExit()
        ShutdownRegistry.unregister(pid)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The last lines of the server's log, for failure messages.
    public func logTail() -> String {
        let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
        return log.split(separator: "\n").suffix(20).joined(separator: "\n")
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
    public static func freeLoopbackPort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw StartError.launchFailed("socket() failed") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(socketFD, raw, length) == 0 && getsockname(socketFD, raw, &length) == 0
            }
        }
        guard bound else { throw StartError.launchFailed("could not bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Servers still running, killed by an `atexit` hook so that none outlives the test process.
enum ShutdownRegistry {
    private static let pids = Mutex<Set<pid_t>>([])
    private static let installed = Mutex(false)

    static func register(_ pid: pid_t) {
        let install = installed.withLock { installed in
            defer { installed = true }
            return !installed
        }
        if install {
            atexit {
                for pid in ShutdownRegistry.pids.withLock({ $0 }) { kill(pid, SIGTERM) }
            }
        }
        pids.withLock { _ = $0.insert(pid) }
    }

    static func unregister(_ pid: pid_t) {
        pids.withLock { _ = $0.remove(pid) }
    }
}

extension FileHandle {
    /// Reads bytes up to a newline or end of file (small outputs only).
    fileprivate func readLine() -> String {
        var bytes: [UInt8] = []
        while let chunk = try? read(upToCount: 1), let byte = chunk.first, byte != UInt8(ascii: "\n") {
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
