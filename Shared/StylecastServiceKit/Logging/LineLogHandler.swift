import Foundation
import Logging

/// A swift-log handler that writes one line per event to standard error: a JSON object
/// (`{"ts":…,"level":…,"service":…,"msg":…,…metadata}`) or, for people at a terminal, text.
public struct LineLogHandler: LogHandler {
    /// The output format.
    public enum Format: String, Sendable {
        case json
        case text
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: Format

    /// Creates a handler.
    /// - Parameters:
    ///   - label: The logger's label, written as `service`.
    ///   - level: Minimum level written.
    ///   - format: JSON or text lines.
    public init(label: String, level: Logger.Level, format: Format) {
        self.label = label
        self.logLevel = level
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = self.metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let timestamp = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        let line: String
        switch format {
        case .json:
            var object: [String: String] = [
                "ts": timestamp, "level": event.level.rawValue, "service": label, "msg": event.message.description,
            ]
            for (key, value) in all { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self)
        case .text:
            let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            line = "\(timestamp) \(event.level.rawValue.uppercased()) \(label): \(event.message)" + (fields.isEmpty ? "" : " " + fields)
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
