import Foundation
import StylecastContracts
import StylecastProcess

/// The five services and a Redis started on this machine by `stylecast up`, as recorded in the
/// run folder's `stack.json` (pids, ports, log files), so that `down`, `status` and a second
/// `up` (which starts only what is not running) find them.
struct LocalStack: Codable {
    /// One started process.
    struct Process: Codable {
        var name: String
        var pid: Int32
        var grpcPort: Int?
        var metricsPort: Int?
        var log: String
    }

    /// `redis://...` of the Redis the services use.
    var redisURL: String
    /// The Redis this stack started (nil when it uses an existing one).
    var redis: Process?
    /// Redis's data folder (append-only file), when this stack started it.
    var redisDirectory: String?
    /// The services, in start order.
    var services: [Process]

    /// The services in start order: ports as in the README.
    static let serviceNames = StylecastServiceName.allCases.map(\.rawValue)

    /// One process to start: replica `replica` of a service.
    struct Instance {
        var executable: String
        var replica: Int
        var grpcPort: Int
        var metricsPort: Int
        /// The service's name, with `-<replica>` from the second replica on.
        var name: String { replica == 1 ? executable : "\(executable)-\(replica)" }
    }

    /// Every process for a `--scale` list (`service=n`, n in 1...8; 1 for a service not named):
    /// replica r listens on the service's default gRPC and metrics ports + 10 x (r - 1).
    /// - Throws: `ValidationError`-style ``StackError/badScale(_:)`` naming the entry.
    static func instances(scale: [String]) throws -> [Instance] {
        var replicas: [String: Int] = [:]
        for entry in scale {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, serviceNames.contains(parts[0]), let count = Int(parts[1]), (1...8).contains(count) else {
                throw StackError.badScale(entry)
            }
            replicas[parts[0]] = count
        }
        return StylecastServiceName.allCases.flatMap { service in
            (1...(replicas[service.rawValue] ?? 1)).map { replica in
                Instance(
                    executable: service.rawValue, replica: replica, grpcPort: service.defaultGRPCPort + 10 * (replica - 1),
                    metricsPort: service.defaultMetricsPort + 10 * (replica - 1))
            }
        }
    }

    /// Sort key of an instance name: its service's place in ``serviceNames``, then its replica.
    static func startOrder(_ name: String) -> (Int, Int) {
        for (index, service) in serviceNames.enumerated() {
            if name == service { return (index, 1) }
            if name.hasPrefix(service + "-"), let replica = Int(name.dropFirst(service.count + 1)) { return (index, replica) }
        }
        return (serviceNames.count, 0)
    }

    /// The run folder: `--run-dir`, else `STYLECAST_RUN_DIR`, else `.stylecast-run` here.
    static func runDirectory(_ option: String?) -> String {
        option ?? ProcessInfo.processInfo.environment["STYLECAST_RUN_DIR"] ?? ".stylecast-run"
    }

    static func statePath(in directory: String) -> String { (directory as NSString).appendingPathComponent("stack.json") }

    /// The recorded stack, or nil when there is none.
    static func load(from directory: String) throws -> LocalStack? {
        let path = statePath(in: directory)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try JSONDecoder().decode(LocalStack.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func save(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: Self.statePath(in: directory)))
    }

    /// The OpenBLAS kernel to ask for when `OPENBLAS_CORETYPE` is unset: Debian's OpenBLAS
    /// 0.3.21 may detect recent Xeons as "Prescott" (5x slower sgemm), so, like
    /// `scripts/lib/blas-kernel.sh` for the shell launchers, this picks SkylakeX when the CPU has
    /// AVX-512 (F, VL, BW, DQ), Haswell when it has AVX2 and FMA, and leaves the choice to
    /// OpenBLAS otherwise (nil).
    static func blasKernel(cpuinfo: String) -> String? {
        guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
            let colon = line.firstIndex(of: ":")
        else { return nil }
        let flags = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        if flags.isSuperset(of: ["avx512f", "avx512vl", "avx512bw", "avx512dq"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// Whether a process with this pid exists (and is not a zombie of ours).
    static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 else { return false }
        // A child that exited but was not reaped still answers kill(0): read its state.
        let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = status.lastIndex(of: ")") else { return true }
        return !status[status.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// Starts a program in its own session (so that Ctrl-C in the terminal that ran `up` does
    /// not reach it), with its output appended to `log` and no input.
    /// - Parameters:
    ///   - executable: A path, or a name looked up in `PATH`.
    ///   - arguments: Its arguments.
    ///   - environment: Its whole environment.
    ///   - log: The file its standard output and error are appended to.
    /// - Returns: Its pid.
    static func spawn(_ executable: String, arguments: [String], environment: [String: String], log: String) throws -> Int32 {
        let output = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw StackError.spawnFailed(executable, errno: errno) }
        defer { close(output) }
        do {
            return try Spawn.start(
                executable, arguments, standardOutput: output, environment: environment, newSession: true)
        } catch {
            throw StackError.spawnFailed(executable, errno: error.code)
        }
    }

    /// Sends SIGTERM and waits up to `grace` for the process to end, then SIGKILL.
    /// - Returns: Whether it ended within the grace period.
    @discardableResult
    static func stop(_ pid: Int32, grace: Duration) async -> Bool {
        guard isAlive(pid) else { return true }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if !isAlive(pid) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        kill(pid, SIGKILL)
        return false
    }
}

/// Why the local stack cannot be started, found or stopped.
enum StackError: Error, CustomStringConvertible {
    case missingExecutable(String)
    case spawnFailed(String, errno: Int32)
    case badScale(String)
    case notServing([String], logs: String)

    var description: String {
        switch self {
        case .badScale(let entry):
            "--scale \(entry): expected service=n with a service of \(LocalStack.serviceNames.joined(separator: ", ")) and n from 1 to 8"
        case .spawnFailed(let executable, let code):
            "cannot start \(executable): \(String(cString: strerror(code)))"
        case .missingExecutable(let path):
            "\(path) not found: build the services first (swift build -c release) or pass --bin"
        case .notServing(let names, let logs):
            "not SERVING in time: \(names.joined(separator: ", ")); see the logs in \(logs)"
        }
    }
}
