import Foundation

/// Progress of a long run on standard error: on a terminal one line redrawn in place (bar,
/// percent, records, rate, ETA) at most ten times a second; otherwise a plain line every few
/// seconds, so logs stay readable.
final class ProgressReporter {
    private let label: String
    private let totalBytes: UInt64
    private let interactive: Bool
    private let started = Date()
    private var lastDrawn = Date.distantPast

    /// Creates a reporter.
    /// - Parameters:
    ///   - label: What is being processed, e.g. the file name.
    ///   - totalBytes: The input's size, for percent and ETA (0 when unknown).
    ///   - interactive: Redraw in place (a terminal) or print plain lines.
    init(label: String, totalBytes: UInt64, interactive: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.totalBytes = totalBytes
        self.interactive = interactive
    }

    /// Reports the position; cheap to call for every record (draws only when due).
    /// - Parameters:
    ///   - bytes: Input bytes consumed so far.
    ///   - records: Records handled so far.
    func update(bytes: UInt64, records: Int) {
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= (interactive ? 0.1 : 5) else { return }
        lastDrawn = now
        draw(line(bytes: bytes, records: records, now: now))
    }

    /// Draws the final state and ends the line.
    func finish(bytes: UInt64, records: Int) {
        draw(line(bytes: bytes, records: records, now: Date()))
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func line(bytes: UInt64, records: Int, now: Date) -> String {
        let elapsed = max(now.timeIntervalSince(started), 1e-3)
        let rate = Double(records) / elapsed
        let fraction = totalBytes > 0 ? min(1, Double(bytes) / Double(totalBytes)) : 0
        let eta = fraction > 0.001 ? elapsed * (1 - fraction) / fraction : nil
        var parts = ["\(label):", String(format: "%3.0f%%", fraction * 100), "\(Self.grouped(records)) records",
                     "\(Self.grouped(Int(rate)))/s"]
        parts.append(eta.map { "ETA \(Self.duration($0))" } ?? "ETA --")
        if interactive {
            let width = 24
            let filled = Int(fraction * Double(width))
            parts.insert("[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]",
                         at: 1)
        }
        return parts.joined(separator: " ")
    }

    private func draw(_ text: String) {
        let output = interactive ? "\r\u{1B}[2K" + text : text + "\n"
        FileHandle.standardError.write(Data(output.utf8))
    }

    /// `12,345`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (offset, character) in digits.reversed().enumerated() {
            if offset > 0, offset % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }

    /// `1m05s` or `42s`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 60 ? String(format: "%dm%02ds", whole / 60, whole % 60) : "\(whole)s"
    }
}
