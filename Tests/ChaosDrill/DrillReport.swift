import Foundation
import StylecastCalendar
import Synchronization

/// What one drill run found: every check with its outcome, and the lines of the closing report
/// (counts and timings), in the order they happened. Shared by the concurrent parts of the run.
final class DrillReport: Sendable {
    /// One named check.
    struct Check: Sendable {
        var name: String
        var passed: Bool
        var detail: String
    }

    private struct State {
        var checks: [Check] = []
        var sections: [(title: String, lines: [String])] = []
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now

    /// Records a check; prints failures at once so that a long run shows them early.
    /// - Parameters:
    ///   - name: What is checked, as a sentence.
    ///   - passed: The outcome.
    ///   - detail: The values compared.
    func check(_ name: String, _ passed: Bool, _ detail: String = "") {
        state.withLock { $0.checks.append(Check(name: name, passed: passed, detail: detail)) }
        if !passed { log("FAILED: \(name)\(detail.isEmpty ? "" : ": \(detail)")") }
    }

    /// Adds a line to a section of the closing report (sections keep their first-use order).
    func note(_ section: String, _ line: String) {
        state.withLock { state in
            if let index = state.sections.firstIndex(where: { $0.title == section }) {
                state.sections[index].lines.append(line)
            } else {
                state.sections.append((section, [line]))
            }
        }
    }

    /// Prints a progress line with the time since the start of the run.
    func log(_ line: String) {
        emit("[\(Self.seconds(ContinuousClock.now - started)) s] \(line)")
    }

    /// Whether every check passed (and there was at least one).
    var passed: Bool {
        state.withLock { !$0.checks.isEmpty && $0.checks.allSatisfy(\.passed) }
    }

    /// The closing report: sections, then the failed checks, then the tally.
    func text(title: String) -> String {
        state.withLock { state in
            let failed = state.checks.filter { !$0.passed }
            var lines = [
                "",
                "== \(title): \(failed.isEmpty && !state.checks.isEmpty ? "PASSED" : "FAILED") in \(Self.seconds(ContinuousClock.now - started)) s",
            ]
            for section in state.sections {
                lines.append(section.title)
                lines += section.lines.map { "  " + $0 }
            }
            if !failed.isEmpty {
                lines.append("failed checks")
                lines += failed.map { "  \($0.name)\($0.detail.isEmpty ? "" : ": \($0.detail)")" }
            }
            lines.append("checks: \(state.checks.count - failed.count) passed, \(failed.count) failed")
            return lines.joined(separator: "\n")
        }
    }

    /// Seconds with one decimal.
    static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f", duration.totalSeconds)
    }

    /// An integer with thousands separators.
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }
}

extension Duration {
    /// Seconds with two decimals and a unit, e.g. `0.42 s`.
    var formattedSeconds: String { String(format: "%.2f s", totalSeconds) }
}

/// Writes a line to standard output at once (unbuffered, so that a piped run shows progress).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

