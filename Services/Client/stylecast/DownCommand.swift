import ArgumentParser
import Foundation

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
        guard let stack = try LocalStack.load(from: directory) else {
            print("down: no stack recorded in \(directory)")
            return
        }
        var processes = stack.services.reversed().map { ($0.name, $0.pid) } + (stack.redis.map { [("redis-server", $0.pid)] } ?? [])
        if let only {
            guard let service = stack.services.first(where: { $0.name == only }) else {
                throw ValidationError("--only: no service \"\(only)\" in the stack (\(stack.services.map(\.name).joined(separator: ", ")))")
            }
            processes = [(only, service.pid)]
        }
        for (name, pid) in processes {
            let clean = await LocalStack.stop(pid, grace: .seconds(grace))
            print("down: \(name) (pid \(pid)) stopped\(clean ? "" : " with SIGKILL")")
        }
        guard only == nil else { return }
        if purge {
            try FileManager.default.removeItem(atPath: directory)
            print("down: removed \(directory)")
        } else {
            try FileManager.default.removeItem(atPath: LocalStack.statePath(in: directory))
        }
    }
}
