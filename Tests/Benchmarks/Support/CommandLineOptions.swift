import Foundation

/// The value after `name` on the command line (`--seconds 3`), `nil` when it is absent.
public func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// The value after `name` on the command line, `value` when it is absent.
public func option(_ name: String, default value: String) -> String { option(name) ?? value }

/// Writes a progress line to standard error, keeping standard output for the results.
public func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
