import Foundation
import StylecastProcess
import Synchronization

/// A child process for tests: launched with its output captured to a file, killable with any
/// signal, awaited with a deadline.
public final class ChildProcess: Sendable {
    /// The process ID.
    public let pid: pid_t
    /// Where its standard output and error go.
    public let logFile: URL
    private let exitCode = Mutex<Int32?>(nil)

    /// Launches an executable with this process's environment plus `environment`.
    /// - Parameters:
    ///   - executable: Path of the program.
    ///   - arguments: Its arguments.
    ///   - environment: Variables to add or override.
    ///   - logFile: Where its output goes (appended to); `nil` for a new file in the temporary
    ///     directory.
    public init(
        _ executable: URL, arguments: [String], environment: [String: String] = [:], logFile: URL? = nil
    ) throws {
        self.logFile = logFile ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("\(executable.lastPathComponent)-\(UUID().uuidString.prefix(8)).log")
        let flags = logFile == nil ? O_TRUNC : O_APPEND
        let fd = open(self.logFile.path, O_WRONLY | O_CREAT | flags | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Spawn.Failure(description: "cannot create \(self.logFile.path)") }
        defer { close(fd) }
        pid = try Spawn.start(
            executable.path, arguments, standardOutput: fd,
            environment: environment.isEmpty
                ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 })
    }

    /// Sends a signal (e.g. `SIGKILL`).
    /// - Parameter signal: The signal number.
    public func send(signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Whether it is still running (reaps it once it has exited).
    public var isRunning: Bool {
        exitCode.withLock { code in
            if code == nil { code = Spawn.poll(pid) }
            return code == nil
        }
    }

    /// Waits until it exits or the timeout passes; kills it (SIGKILL) on timeout.
    /// - Parameter timeout: Longest wait.
    /// - Returns: Its exit code (128 + signal if killed by one), or `nil` if it had to be killed.
    @discardableResult
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                while isRunning { try? await Task.sleep(for: .milliseconds(10)) }
                return nil
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return exitCode.withLock { $0 }
    }

    /// The captured output.
    public func output() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// Runs a program to completion.
    /// - Parameters:
    ///   - executable: Path of the program.
    ///   - arguments: Its arguments.
    ///   - timeout: Longest wait.
    /// - Returns: Exit code (`nil` if killed on timeout) and output.
    public static func run(
        _ executable: URL, arguments: [String], timeout: Duration = .seconds(60)
    ) async throws -> (status: Int32?, output: String) {
        let child = try ChildProcess(executable, arguments: arguments)
        let status = await child.waitForExit(timeout: timeout)
        return (status, child.output())
    }
}
