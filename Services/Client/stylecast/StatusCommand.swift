import ArgumentParser
import Foundation
import StylecastClient
import StylecastContracts
import StylecastRedis

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
        let groups = try await withQuietRedisClient(url) { client in
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
            return groups
        }
        try report(services: services, redis: "\(url) reachable", groups: groups)
    }

    private func report(services: [[String: Any]], redis: String, groups: [PipelineProgress.Group]) throws {
        if json {
            try printJSON([
                "services": services, "redis": redis,
                "groups": groups.map {
                    ["stream": $0.stream, "group": $0.group, "length": $0.length, "read": $0.read, "lag": $0.lag, "pending": $0.pending]
                },
            ])
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
