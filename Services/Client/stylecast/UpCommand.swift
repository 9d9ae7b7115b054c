import ArgumentParser
import Foundation
import StylecastClient
import StylecastContracts
import StylecastProcess
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
            let port = try LoopbackPorts.next()
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
        try await withQuietRedisClient(url) { client in
            let deadline = ContinuousClock.now + .seconds(20)
            while !(await client.isReachable()) {
                guard ContinuousClock.now < deadline else { throw ValidationError("Redis at \(url) does not answer") }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
