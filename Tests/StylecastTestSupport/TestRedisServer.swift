import Foundation
import StylecastProcess
import StylecastRedis
import Synchronization

/// A throwaway `redis-server` on a loopback port with its own temporary directory and no
/// persistence, for tests that need a real Redis (or need to kill and restart one). With
/// `appendOnly` and a caller's `directory` it persists like production (append-only file,
/// `appendfsync everysec`), so a server stopped and started again on the same port and
/// directory comes back with its data (the chaos drill does this).
///
/// It runs under a small shell watchdog whose standard input is a pipe from this process: when
/// this process ends, even by a crash, the pipe closes and the watchdog stops the server; a
/// normal exit also stops it through an `atexit` hook. So no `redis-server` outlives the tests.
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
    /// The password `AUTH` needs (`--requirepass`), if any.
    public let password: String?
    /// Its cluster bus port when it is a cluster node, else 0.
    public let busPort: Int
    private let watchdog: pid_t
    private let watchdogInput: Int32
    /// Whether ``stop()`` removes ``directory`` (only when this server made it).
    private let ownsDirectory: Bool
    private let exitCode = Mutex<Int32?>(nil)

    /// The URL of this server, database 0.
    public var url: RedisURL { RedisURL(host: "127.0.0.1", port: port, password: password) }

    private init(
        port: Int, pid: pid_t, directory: URL, ownsDirectory: Bool, password: String?, busPort: Int, watchdog: pid_t,
        input: Int32
    ) {
        self.port = port
        self.busPort = busPort
        self.pid = pid
        self.directory = directory
        self.ownsDirectory = ownsDirectory
        self.password = password
        self.watchdog = watchdog
        self.watchdogInput = input
    }

    /// Starts a server and waits until it answers `PING` (after loading its append-only file).
    /// - Parameters:
    ///   - port: The port, or `nil` for a free one.
    ///   - directory: Its working directory, kept by ``stop()``; `nil` for a new temporary one,
    ///     removed by ``stop()``.
    ///   - appendOnly: Persist with an append-only file (`appendfsync everysec`), as production
    ///     does; `false` (default) keeps nothing on disk.
    ///   - readyTimeout: How long to wait for `PING` to succeed.
    ///   - password: A password clients must give (`--requirepass`), or nil for none.
    ///   - clusterEnabled: Start it as a Redis Cluster node (`--cluster-enabled yes`, its node
    ///     file in `directory`, a 1 s node timeout), owning no slots yet.
    ///   - clusterBusPort: The cluster bus port of a cluster node, or `nil` for a free one (a
    ///     node restarted on its old directory gets its old bus port back).
    /// - Returns: The running server.
    public static func start(
        port: Int? = nil, directory: URL? = nil, appendOnly: Bool = false, readyTimeout: Duration = .seconds(10),
        password: String? = nil, clusterEnabled: Bool = false, clusterBusPort: Int? = nil
    ) async throws -> TestRedisServer {
        let port = try port ?? freeLoopbackPort()
        let ownsDirectory = directory == nil
        let directory = directory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("stylecast-redis-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        // The shell reaps redis-server as soon as it exits (so the shell's exit means the server
        // is gone) while a background reader kills the server when the input pipe closes.
        // (A background job's stdin is /dev/null unless redirected, hence fd 3.)
        let script =
            #"exec 3<&0; redis-server "$@" </dev/null & r=$!; echo $r; (read _ <&3; kill $r 2>/dev/null) & wait $r"#
        // The cluster bus port defaults to port + 10000, which may fall in the ephemeral range and
        // be taken: pick a free one as well.
        let busPort = clusterEnabled ? try clusterBusPort ?? freeLoopbackPort() : 0
        let input = try Spawn.pipe()
        let output = try Spawn.pipe()
        let watchdog: pid_t
        do {
            watchdog = try Spawn.start(
                "/bin/sh",
                [
                    "-c", script, "redis-watchdog", "--port", String(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", "everysec",
                    "--dir", directory.path,
                    "--logfile", directory.appendingPathComponent("redis.log").path,
                ] + (password.map { ["--requirepass", $0] } ?? [])
                    + (clusterEnabled
                        ? [
                            "--cluster-enabled", "yes", "--cluster-node-timeout", "1000",
                            "--cluster-port", String(busPort),
                            "--cluster-config-file", directory.appendingPathComponent("nodes.conf").path,
                        ] : []),
                standardInput: input.read, standardOutput: output.write)
        } catch {
            throw StartError.launchFailed(error.description)
        }
        close(input.read)
        close(output.write)
        let line = readLine(from: output.read)
        close(output.read)
        guard let pid = pid_t(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw StartError.launchFailed("watchdog printed '\(line)' instead of a process ID")
        }
        let server = TestRedisServer(
            port: port, pid: pid, directory: directory, ownsDirectory: ownsDirectory, password: password,
            busPort: busPort, watchdog: watchdog, input: input.write)
        ShutdownRegistry.register(pid, directory: ownsDirectory ? directory.path : nil)

        let client = RedisClient(
            configuration: .init(
                url: server.url, poolSize: 1, reconnectBackoff: .milliseconds(10),
                maximumReconnectBackoff: .milliseconds(50)))
        let deadline = ContinuousClock.now + readyTimeout
        var ready = false
        while !ready, ContinuousClock.now < deadline {
            // A cluster node that has not joined serves no slot, and RedisClient's PING (every
            // primary of the slot map) fails on it: the process's own answer is what counts here.
            ready = clusterEnabled
                ? (try? Spawn.run("redis-cli", ["-p", String(port)] + (password.map { ["-a", $0, "--no-auth-warning"] } ?? []) + ["PING"]).output)?
                    .hasPrefix("PONG") == true
                : await client.isReachable()
            if !ready { try? await Task.sleep(for: .milliseconds(20)) }
        }
        await client.shutdown()
        if ready { return server }
        let log = server.logTail()
        server.stop()
        throw StartError.notReady(log)
    }

    /// Whether the server process has exited (checks without waiting).
    public var hasExited: Bool {
        exitCode.withLock { code in
            if code == nil { code = Spawn.poll(watchdog) }
            return code != nil
        }
    }

    /// Sends a signal to `redis-server` (e.g. `SIGTERM`, `SIGKILL`) and, unless it is
    /// `SIGSTOP`/`SIGCONT`, waits until the process is gone.
    /// - Parameter signal: The signal number.
    public func send(signal: Int32) async {
        kill(pid, signal)
        guard signal != SIGSTOP, signal != SIGCONT else { return }
        for _ in 0..<500 where !hasExited {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its directory if it made it.
    public func stop() {
        // Signal only a server still running: once it has exited its process ID may be reused.
        if !hasExited {
            kill(pid, SIGTERM)
            kill(pid, SIGCONT)  // a frozen (SIGSTOP) server acts on SIGTERM only once continued
        }
        close(watchdogInput)
        for _ in 0..<500 where !hasExited { usleep(10_000) }
        if !hasExited {
            kill(pid, SIGKILL)
            for _ in 0..<100 where !hasExited { usleep(10_000) }
        }
        ShutdownRegistry.unregister(pid)
        if ownsDirectory { try? FileManager.default.removeItem(at: directory) }
    }

    /// The last lines of the server's log, for failure messages.
    public func logTail() -> String {
        let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
        return log.split(separator: "\n").suffix(20).joined(separator: "\n")
    }
}

/// Servers still running, stopped by an `atexit` hook so that none outlives the test process.
enum ShutdownRegistry {
    /// Running servers and the directory to remove with each (`nil`: the caller's, kept).
    private static let servers = Mutex<[pid_t: String?]>([:])
    private static let installed = Mutex(false)

    static func register(_ pid: pid_t, directory: String?) {
        let install = installed.withLock { installed in
            defer { installed = true }
            return !installed
        }
        if install {
            atexit {
                for (pid, directory) in ShutdownRegistry.servers.withLock({ $0 }) {
                    kill(pid, SIGTERM)
                    kill(pid, SIGCONT)
                    for _ in 0..<200 where kill(pid, 0) == 0 { usleep(5_000) }
                    if let directory { try? FileManager.default.removeItem(atPath: directory) }
                }
            }
        }
        servers.withLock { $0[pid] = directory }
    }

    static func unregister(_ pid: pid_t) {
        servers.withLock { _ = $0.removeValue(forKey: pid) }
    }
}

/// Reads bytes up to a newline or end of file.
private func readLine(from fd: Int32) -> String {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") { bytes.append(byte) }
    return String(decoding: bytes, as: UTF8.self)
}

extension TestRedisServer {
    /// A TCP port on 127.0.0.1 for a test server to listen on (``LoopbackPorts``).
    public static func freeLoopbackPort() throws -> Int { try LoopbackPorts.next() }
}
