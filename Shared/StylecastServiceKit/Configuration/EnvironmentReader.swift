/// Reads typed values from environment variables and collects every problem it meets,
/// so that a service reports all of its configuration mistakes at once instead of one per start.
///
/// Each `read` returns the default when the variable is unset or empty, and records a
/// ``ConfigurationProblem`` (and returns the default) when the value does not parse.
public struct EnvironmentReader: Sendable {
    /// The environment being read, usually `ProcessInfo.processInfo.environment`.
    public let environment: [String: String]
    /// Problems found so far, in the order the variables were read.
    public private(set) var problems: [ConfigurationProblem] = []

    /// Creates a reader over an environment.
    /// - Parameter environment: Variable names to values.
    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The raw value of a variable, `nil` when unset or empty.
    public func raw(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingWhitespace(), !value.isEmpty else { return nil }
        return value
    }

    /// Reads a string.
    public func string(_ name: String, default defaultValue: String) -> String {
        raw(name) ?? defaultValue
    }

    /// Reads an integer within a closed range.
    /// - Parameters:
    ///   - name: The variable.
    ///   - defaultValue: Used when the variable is unset.
    ///   - range: Accepted values; anything outside is a problem naming the range.
    public mutating func integer(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        guard let text = raw(name) else { return defaultValue }
        guard let value = Int(text) else {
            problems.append(.init(variable: name, value: text, rule: "must be an integer"))
            return defaultValue
        }
        guard range.contains(value) else {
            problems.append(
                .init(variable: name, value: text, rule: "must be between \(range.lowerBound) and \(range.upperBound)"))
            return defaultValue
        }
        return value
    }

    /// Reads a TCP port (1-65535).
    public mutating func port(_ name: String, default defaultValue: Int) -> Int {
        integer(name, default: defaultValue, range: 1...65_535)
    }

    /// Reads a duration given in milliseconds.
    public mutating func milliseconds(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) -> Duration {
        .milliseconds(integer(name, default: defaultValue, range: range))
    }

    /// Reads one of a fixed set of words (case-insensitive).
    public mutating func choice(_ name: String, default defaultValue: String, allowed: [String]) -> String {
        guard let text = raw(name) else { return defaultValue }
        let lowered = text.lowercased()
        guard allowed.contains(lowered) else {
            problems.append(
                .init(variable: name, value: text, rule: "must be one of \(allowed.joined(separator: ", "))"))
            return defaultValue
        }
        return lowered
    }

    /// Parses a value with a throwing parser, recording the thrown error's description.
    public mutating func parsed<Value>(
        _ name: String, default defaultValue: String, redact: Bool = false,
        _ parse: (String) throws -> Value
    ) -> Value? {
        let text = raw(name) ?? defaultValue
        do {
            return try parse(text)
        } catch {
            problems.append(.init(variable: name, value: redact ? "<redacted>" : text, rule: "\(error)"))
            return nil
        }
    }

    /// Records a problem found by a check that spans several variables.
    public mutating func report(_ problem: ConfigurationProblem) {
        problems.append(problem)
    }
}

/// One invalid configuration value.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// The environment variable at fault.
    public var variable: String
    /// The value it had (redacted for secrets).
    public var value: String
    /// What the value must be.
    public var rule: String

    /// Creates a problem report.
    public init(variable: String, value: String, rule: String) {
        self.variable = variable
        self.value = value
        self.rule = rule
    }

    public var description: String { "\(variable)=\"\(value)\": \(rule)" }
}

/// Every problem of a configuration, reported together. Services exit with code 2 on it.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// All problems found, at least one.
    public var problems: [ConfigurationProblem]

    /// Creates the error.
    /// - Parameter problems: Every problem found, at least one.
    public init(problems: [ConfigurationProblem]) {
        self.problems = problems
    }

    public var description: String {
        "invalid configuration (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view = view.dropFirst() }
        while let last = view.last, last.isWhitespace { view = view.dropLast() }
        return String(view)
    }
}
