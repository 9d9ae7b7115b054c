#if canImport(Glibc)
import Glibc
#endif

/// Starts programs with `posix_spawn`, with all signals unblocked and at their defaults: the
/// `stylecast up` stack and the tests' child processes.
///
/// Foundation's `Process` passes on the spawning thread's signal mask, and libdispatch threads
/// block most signals, so a child started that way would ignore `SIGTERM` (redis-server does).
/// Pipes made here are close-on-exec so that one child never holds another child's pipe open.
public enum Spawn {
    /// Why a program could not be started.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed.
        public var description: String
        /// The `errno` value of the failed call, 0 when there is none.
        public var code: Int32

        public init(description: String, code: Int32 = 0) {
            self.description = description
            self.code = code
        }
    }

    /// Starts a program.
    /// - Parameters:
    ///   - path: The program: a path, or a name looked up in `PATH`.
    ///   - arguments: Its arguments (without the program name).
    ///   - standardInput: File descriptor to use as its standard input, or `nil` for /dev/null.
    ///   - standardOutput: File descriptor for its standard output and error, or `nil` for /dev/null.
    ///   - environment: The child's whole environment, or `nil` to inherit this process's.
    ///   - newSession: Whether it gets a session of its own, so that Ctrl-C in this terminal
    ///     does not reach it.
    /// - Returns: The child's process ID.
    public static func start(
        _ path: String, _ arguments: [String], standardInput: Int32? = nil, standardOutput: Int32? = nil,
        environment: [String: String]? = nil, newSession: Bool = false
    ) throws(Failure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let standardInput {
            posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if let standardOutput {
            posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
            posix_spawn_file_actions_adddup2(&actions, standardOutput, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        // 0x80 is glibc's POSIX_SPAWN_SETSID (spawn.h, glibc >= 2.26), a macro Swift does not import.
        let sessionFlag: Int16 = newSession ? 0x80 : 0
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | sessionFlag)

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { variables in
            variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { envp?.forEach { free($0) } }
        var pid: pid_t = 0
        let result =
            if let envp {
                posix_spawnp(&pid, path, &actions, &attributes, argv, envp)
            } else {
                posix_spawnp(&pid, path, &actions, &attributes, argv, environ)
            }
        guard result == 0 else {
            throw Failure(description: "posix_spawn \(path): \(String(cString: strerror(result)))", code: result)
        }
        return pid
    }

    /// A pipe whose two ends are close-on-exec.
    /// - Returns: The read and write file descriptors.
    public static func pipe() throws(Failure) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        // pipe2 is not visible from Swift; a child spawned between these calls could inherit
        // the ends, which only delays an EOF until that child exits.
        guard Glibc.pipe(&fds) == 0 else { throw Failure(description: "pipe failed") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// Runs a program to its end and returns its exit code and output (standard output and
    /// error together): for short tools such as `redis-cli`.
    /// - Parameters:
    ///   - path: The program: a path, or a name looked up in `PATH`.
    ///   - arguments: Its arguments (without the program name).
    /// - Returns: Its exit code (128 + signal number if killed by a signal) and output.
    public static func run(_ path: String, _ arguments: [String]) throws(Failure) -> (status: Int32, output: String) {
        let output = try pipe()
        let pid: pid_t
        do {
            pid = try start(path, arguments, standardOutput: output.write)
        } catch {
            close(output.read)
            close(output.write)
            throw error
        }
        close(output.write)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(output.read, &buffer, buffer.count)
            if count > 0 {
                bytes += buffer[..<count]
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(output.read)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let signal = status & 0x7F
        return (signal == 0 ? (status >> 8) & 0xFF : 128 + signal, String(decoding: bytes, as: UTF8.self))
    }

    /// Reaps the child if it has exited, without waiting.
    /// - Parameter pid: The child.
    /// - Returns: Its exit code (128 + signal number if killed by a signal), or `nil` if it runs.
    public static func poll(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return result < 0 ? -1 : nil }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
