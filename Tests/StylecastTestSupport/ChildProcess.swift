import Foundation

/// A child process for tests: launched with its output captured to a file, killable with any
/// signal, awaited with a deadline.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: Process is only touched through its thread-safe members (pid, isRunning,
    // terminationStatus) after launch.
    private let process: Process
    /// Where its standard output and error go.
    public let logFile: URL

    /// The process ID.
    public var pid: pid_t { process.processIdentifier }

    /// Launches an executable.
    /// - Parameters:
    ///   - executable: Path of the program.
    ///   - arguments: Its arguments.
    ///   - environment: Extra environment variables.
    public init(_ executable: URL, arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        logFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(executable.lastPathComponent)-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
    }

    /// Sends a signal (e.g. `SIGKILL`).
    /// - Parameter signal: The signal number.
    public func send(signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Whether it is still running.
    public var isRunning: Bool { process.isRunning }

    /// Waits until it exits or the timeout passes; kills it (SIGKILL) on timeout.
    /// - Parameter timeout: Longest wait.
    /// - Returns: Its exit status, or `nil` if it had to be killed.
    @discardableResult
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
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
    /// - Returns: Exit status (`nil` if killed on timeout) and output.
    public static func run(
        _ executable: URL, arguments: [String], timeout: Duration = .seconds(60)
    ) async throws -> (status: Int32?, output: String) {
        let child = try ChildProcess(executable, arguments: arguments)
        let status = await child.waitForExit(timeout: timeout)
        return (status, child.output())
    }
}
