import Foundation

/// Finds executables built by the same `swift build` as the running test bundle.
public enum BuiltExecutables {
    /// Why an executable was not found.
    public struct NotFound: Error, CustomStringConvertible {
        /// The executable's name.
        public var name: String
        /// Where it was looked for.
        public var searched: [String]
        /// What was not found, and where.
        public var description: String {
            "built executable '\(name)' not found in \(searched.joined(separator: ", ")); run `swift build` first"
        }
    }

    /// The build products directory (e.g. `.build/debug`): the directory of the test binary.
    public static var directories: [URL] {
        var result = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()]
        let selfExe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        if !result.contains(selfExe) { result.append(selfExe) }
        // A bundle on macOS: .build/debug/X.xctest/Contents/MacOS/X
        result += result.map { $0.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
        return result
    }

    /// The path of a built executable, e.g. `queue-drill`.
    /// - Parameter name: The executable product's name.
    public static func path(of name: String) throws -> URL {
        for directory in directories {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw NotFound(name: name, searched: directories.map(\.path))
    }
}
