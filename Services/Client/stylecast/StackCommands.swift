import ArgumentParser
import Foundation
import Logging
import StylecastClient
import StylecastContracts
import StylecastRedis

/// `stylecast up`: starts Redis (append-only) and the five services on this machine.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start a local Redis and the five services, and wait until all are SERVING.",
        discussion: """
            Starts what is not already running: a second `up` after one service was stopped \
            starts only that one. Redis runs append-only with its data in RUN_DIR/redis (unless \
            --redis-url or STYLECAST_REDIS_URL names one); each service logs to \
            RUN_DIR/<service>.log and listens on its default ports (docs/operations.md). The \
            services inherit this environment, so STYLECAST_* variables apply to all of them; \
            when OPENBLAS_CORETYPE is unset, the BLAS kernel is chosen from the CPU flags as \
            scripts/lib/blas-kernel.sh does.

            Examples:
              stylecast up
              stylecast up --bin .build/release --run-dir /tmp/stylecast
              STYLECAST_REDIS_URL=redis://127.0.0.1:6379/0 stylecast up
              stylecast up --scale text-embedding=2      # two embedding workers share the stream
            """)

    @Option(help: "Folder for the stack's state, logs and Redis data (default STYLECAST_RUN_DIR or .stylecast-run).")
    var runDir: String?

    @Option(help: "Folder of the service executables (default: this executable's folder).")
    var bin: String?

    @Option(help: "Use this Redis instead of starting one (default STYLECAST_REDIS_URL).")
    var redisURL: String?

    @Option(help: "Seconds to wait for every service to report SERVING.")
    var timeout: Int = 180

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Replicas of a service, e.g. text-embedding=2 (1-8): replica r listens on the default ports + 10 x (r - 1).",
            valueName: "service=n"))
    var scale: [String] = []

    @Flag(help: "Print the stack (pids, ports, logs, Redis URL) as one JSON object at the end.")
    var json = false

    func run() async throws {
        let directory = LocalStack.runDirectory(runDir)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let binaries = bin ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().path
        var environment = ProcessInfo.processInfo.environment
        var stack = try LocalStack.load(from: directory) ?? LocalStack(redisURL: "", redis: nil, redisDirectory: nil, services: [])

        if let external = redisURL ?? environment["STYLECAST_REDIS_URL"], stack.redis == nil {
            stack.redisURL = external
        } else if stack.redis.map({ LocalStack.isAlive($0.pid) }) != true {
            let port = try LocalStack.freePort()
            let data = (directory as NSString).appendingPathComponent("redis")
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            let log = (directory as NSString).appendingPathComponent("redis.log")
            let pid = try LocalStack.spawn(
                "redis-server",
                arguments: [
                    "--port", "\(port)", "--bind", "127.0.0.1", "--dir", data, "--appendonly", "yes",
                    "--appendfsync", "everysec", "--save", "",
                ], environment: environment, log: log)
            stack.redis = LocalStack.Process(name: "redis", pid: pid, grpcPort: nil, metricsPort: port, log: log)
            stack.redisDirectory = data
            stack.redisURL = "redis://127.0.0.1:\(port)/0"
            print("up: redis-server (append-only, data in \(data)) on port \(port), pid \(pid)")
        }
        try await waitForRedis(stack.redisURL)
        environment["STYLECAST_REDIS_URL"] = stack.redisURL
        if environment["STYLECAST_LOG_FORMAT"] == nil { environment["STYLECAST_LOG_FORMAT"] = "text" }
        if environment["OPENBLAS_CORETYPE"] == nil,
            let kernel = LocalStack.blasKernel(cpuinfo: (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")
        {
            environment["OPENBLAS_CORETYPE"] = kernel
            print("up: OPENBLAS_CORETYPE=\(kernel) chosen from the CPU flags")
        }

        let instances = try LocalStack.instances(scale: scale)
        for instance in instances {
            if let running = stack.services.first(where: { $0.name == instance.name }), LocalStack.isAlive(running.pid) {
                continue
            }
            let executable = (binaries as NSString).appendingPathComponent(instance.executable)
            guard FileManager.default.isExecutableFile(atPath: executable) else { throw StackError.missingExecutable(executable) }
            let log = (directory as NSString).appendingPathComponent("\(instance.name).log")
            var instanceEnvironment = environment
            instanceEnvironment["STYLECAST_GRPC_PORT"] = "\(instance.grpcPort)"
            instanceEnvironment["STYLECAST_METRICS_PORT"] = "\(instance.metricsPort)"
            let pid = try LocalStack.spawn(executable, arguments: [], environment: instanceEnvironment, log: log)
            stack.services.removeAll { $0.name == instance.name }
            stack.services.append(
                LocalStack.Process(
                    name: instance.name, pid: pid, grpcPort: instance.grpcPort, metricsPort: instance.metricsPort, log: log))
            print("up: \(instance.name) on 127.0.0.1:\(instance.grpcPort), pid \(pid), log \(log)")
        }
        stack.services.sort { LocalStack.startOrder($0.name) < LocalStack.startOrder($1.name) }
        try stack.save(to: directory)

        let deadline = ContinuousClock.now + .seconds(timeout)
        var waiting = stack.services.map(\.name)
        while !waiting.isEmpty {
            var still: [String] = []
            for service in stack.services where waiting.contains(service.name) {
                let endpoint = Endpoint(host: StylecastServiceName.defaultHost, port: service.grpcPort ?? 0)
                if await healthStatus(endpoint, timeout: .seconds(1)) != "SERVING" { still.append(service.name) }
            }
            if still.isEmpty { break }
            if still != waiting { print("up: waiting for \(still.joined(separator: ", ")) ...") }
            waiting = still
            guard ContinuousClock.now < deadline else { throw StackError.notServing(waiting, logs: directory) }
            try await Task.sleep(for: .milliseconds(500))
        }
        if json {
            print(String(decoding: try Data(contentsOf: URL(fileURLWithPath: LocalStack.statePath(in: directory))), as: UTF8.self))
        } else {
            print("up: all \(stack.services.count) services SERVING (stack in \(LocalStack.statePath(in: directory)))")
        }
    }

    private func waitForRedis(_ url: String) async throws {
        let client = try quietRedisClient(url)
        defer { Task { await client.shutdown() } }
        let deadline = ContinuousClock.now + .seconds(20)
        while !(await client.isReachable()) {
            guard ContinuousClock.now < deadline else { throw ValidationError("Redis at \(url) does not answer") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// `stylecast down`: stops what `stylecast up` started.
struct DownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop the services and the Redis that `stylecast up` started (SIGTERM, then SIGKILL after the grace).",
        discussion: """
            Services stop first, in reverse start order, each draining its in-flight work; then \
            Redis, which flushes its append-only file. --purge also deletes the run folder \
            (Redis data and logs).

            Examples:
              stylecast down
              stylecast down --purge --run-dir /tmp/stylecast
              stylecast down --only recommendation     # stop one service; `stylecast up` restarts it
            """)

    @Option(help: "Folder of the stack (default STYLECAST_RUN_DIR or .stylecast-run).")
    var runDir: String?

    @Option(help: "Stop only this service and leave the rest running.")
    var only: String?

    @Option(help: "Seconds each process gets to stop before SIGKILL.")
    var grace: Int = 15

    @Flag(help: "Delete the run folder (Redis data and logs) afterwards.")
    var purge = false

    func run() async throws {
        let directory = LocalStack.runDirectory(runDir)
        guard var stack = try LocalStack.load(from: directory) else {
            print("down: no stack recorded in \(directory)")
            return
        }
        if let only {
            guard let service = stack.services.first(where: { $0.name == only }) else {
                throw ValidationError("--only: no service \"\(only)\" in the stack (\(stack.services.map(\.name).joined(separator: ", ")))")
            }
            let clean = await LocalStack.stop(service.pid, grace: .seconds(grace))
            print("down: \(only) (pid \(service.pid)) stopped\(clean ? "" : " with SIGKILL")")
            return
        }
        for service in stack.services.reversed() {
            let clean = await LocalStack.stop(service.pid, grace: .seconds(grace))
            print("down: \(service.name) (pid \(service.pid)) stopped\(clean ? "" : " with SIGKILL")")
        }
        stack.services = []
        if let redis = stack.redis {
            let clean = await LocalStack.stop(redis.pid, grace: .seconds(grace))
            print("down: redis-server (pid \(redis.pid)) stopped\(clean ? "" : " with SIGKILL")")
        }
        if purge {
            try FileManager.default.removeItem(atPath: directory)
            print("down: removed \(directory)")
        } else {
            try FileManager.default.removeItem(atPath: LocalStack.statePath(in: directory))
        }
    }
}

/// `stylecast status`: services, Redis and how far each stage has read its streams.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the services' health, Redis, and each stage's progress through its streams.",
        discussion: """
            For every consumer group of the four work streams: entries in the stream, entries \
            read, lag (not yet read) and pending (read, not yet acknowledged). --wait-drained \
            repeats until every group has lag 0 and nothing pending, printing progress, and \
            exits 1 if that takes longer than --timeout.

            Examples:
              stylecast status
              stylecast status --json
              stylecast status --wait-drained --timeout 900
            """)

    @Option(help: "Folder of the stack (default STYLECAST_RUN_DIR or .stylecast-run).")
    var runDir: String?

    @Option(help: "Redis to read the streams from (default: the stack's, else STYLECAST_REDIS_URL).")
    var redisURL: String?

    @Flag(help: "Wait until every stage has read and acknowledged everything.")
    var waitDrained = false

    @Option(help: "Seconds --wait-drained waits at most.")
    var timeout: Int = 1800

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let stack = try LocalStack.load(from: LocalStack.runDirectory(runDir))
        let url = redisURL ?? stack?.redisURL ?? ProcessInfo.processInfo.environment["STYLECAST_REDIS_URL"]
        var services: [[String: Any]] = []
        let targets: [(name: String, endpoint: Endpoint, pid: Int32?)] =
            stack.map { stack in
                stack.services.map { ($0.name, Endpoint(host: StylecastServiceName.defaultHost, port: $0.grpcPort ?? 0), $0.pid) }
            } ?? defaultEndpoints.map { ($0.name, $0.endpoint, nil) }
        for (name, endpoint, pid) in targets {
            services.append([
                "name": name, "target": endpoint.description, "health": await healthStatus(endpoint, timeout: .seconds(1)),
                "pid": pid.map { Int($0) } ?? 0, "alive": pid.map(LocalStack.isAlive) ?? false,
            ])
        }
        guard let url else {
            try report(services: services, redis: "no Redis URL (no stack, no STYLECAST_REDIS_URL)", groups: [])
            return
        }
        let client = try quietRedisClient(url)
        defer { Task { await client.shutdown() } }
        guard await client.isReachable() else {
            try report(services: services, redis: "\(url) UNREACHABLE", groups: [])
            throw ExitCode(1)
        }
        var groups = try await PipelineProgress.read(client)
        if waitDrained {
            let started = ContinuousClock.now
            var last = (time: ContinuousClock.now, remaining: PipelineProgress.remaining(groups))
            var printed = ContinuousClock.now - .seconds(10)
            while !PipelineProgress.isDrained(groups) {
                guard ContinuousClock.now - started < .seconds(timeout) else {
                    print("status: not drained after \(timeout) s: \(PipelineProgress.line(groups))")
                    throw ExitCode(1)
                }
                if ContinuousClock.now - printed >= .seconds(5) {
                    // Rate of the slowest stage over the last interval, and its time to go.
                    let remaining = PipelineProgress.remaining(groups)
                    let seconds = Double((ContinuousClock.now - last.time).components.seconds)
                    let rate = seconds > 0 ? Double(last.remaining - remaining) / seconds : 0
                    let eta = rate > 0 ? String(format: ", %.0f/s, about %.0f s to go", rate, Double(remaining) / rate) : ""
                    print("pipeline: \(remaining) entries to go\(eta): \(PipelineProgress.line(groups))")
                    (last, printed) = ((ContinuousClock.now, remaining), ContinuousClock.now)
                }
                try await Task.sleep(for: .milliseconds(500))
                groups = try await PipelineProgress.read(client)
            }
            print("pipeline: drained in \(Int((ContinuousClock.now - started).components.seconds)) s: \(PipelineProgress.line(groups))")
        }
        try report(services: services, redis: "\(url) reachable", groups: groups)
    }

    private func report(services: [[String: Any]], redis: String, groups: [PipelineProgress.Group]) throws {
        if json {
            let object: [String: Any] = [
                "services": services, "redis": redis,
                "groups": groups.map {
                    ["stream": $0.stream, "group": $0.group, "length": $0.length, "read": $0.read, "lag": $0.lag, "pending": $0.pending]
                },
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        for service in services {
            let pid = (service["pid"] as? Int).map { $0 > 0 ? " pid \($0)\((service["alive"] as? Bool) == true ? "" : " (gone)")" : "" } ?? ""
            print("\(service["name"]!)\t\(service["target"]!)\t\(service["health"]!)\(pid)")
        }
        print("redis\t\(redis)")
        for group in groups {
            print("\(group.stream) -> \(group.group)\tlength \(group.length)\tread \(group.read)\tlag \(group.lag)\tpending \(group.pending)")
        }
    }
}

/// Each consumer group's position in the work streams.
enum PipelineProgress {
    struct Group {
        var stream: String
        var group: String
        var length: Int
        var read: Int
        var lag: Int
        var pending: Int
    }

    /// The work streams (docs/architecture.md, "Redis key layout").
    static let streams = WorkStream.allCases.map(\.key)

    static func read(_ client: RedisClient) async throws -> [Group] {
        try await client.streamStatus(streams).filter { $0.length > 0 }.flatMap { status in
            status.groups.map { group in
                Group(
                    stream: status.stream, group: group.name, length: status.length, read: status.entriesRead(group),
                    lag: status.unread(group), pending: group.pending)
            }
        }
    }

    static func isDrained(_ groups: [Group]) -> Bool { groups.allSatisfy { $0.lag == 0 && $0.pending == 0 } }

    /// Entries the slowest group has still to read or acknowledge.
    static func remaining(_ groups: [Group]) -> Int { groups.map { $0.lag + $0.pending }.max() ?? 0 }

    static func line(_ groups: [Group]) -> String {
        groups.map { "\(WorkStream(named: $0.stream)?.rawValue ?? $0.stream) -> \($0.group) \($0.read - $0.pending)/\($0.length)" }
            .joined(separator: ", ")
    }
}

/// A one-connection Redis client whose reconnect warnings stay quiet: the commands report
/// Redis's state themselves.
/// - Throws: A `RedisURLError` for a malformed URL (it never contains the password).
func quietRedisClient(_ url: String) throws -> RedisClient {
    var logger = Logger(label: "stylecast.redis")
    logger.logLevel = .critical
    return RedisClient(configuration: .init(url: try RedisURL(parsing: url), poolSize: 1), logger: logger)
}

/// The health of one service, or `UNREACHABLE`.
func healthStatus(_ endpoint: Endpoint, timeout: Duration) async -> String {
    do {
        return try await withStylecastConnection(to: endpoint) { client in
            try await ServiceProbe(client: client).health(timeout: timeout)
        }
    } catch {
        return "UNREACHABLE"
    }
}
