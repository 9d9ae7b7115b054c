import Foundation
import Testing

@Suite("Documentation stays true to the code")
struct DocumentationTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every `STYLECAST_*` name the services, the libraries and the client read (a string literal
    /// in Shared/ or Services/), with the defaults the source gives as literals, e.g.
    /// `reader.integer("STYLECAST_INGEST_BATCH", default: 256, ...)` gives `256`.
    static func variablesInSource() throws -> [String: Set<String>] {
        let pattern = try Regex(#""(STYLECAST_[A-Z0-9_]+)"(?:\s*,\s*default:\s*("[^"\\]*"|[0-9_.]+)\s*[,)])?"#)
        var variables: [String: Set<String>] = [:]
        for folder in ["Shared", "Services"] {
            let files = FileManager.default.enumerator(atPath: repositoryRoot.appendingPathComponent(folder).path)
            while let file = files?.nextObject() as? String {
                guard file.hasSuffix(".swift"), !file.contains("/Generated/") else { continue }
                let path = repositoryRoot.appendingPathComponent(folder).appendingPathComponent(file)
                let source = try String(contentsOf: path, encoding: .utf8)
                let oneLine = source.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                for match in oneLine.matches(of: pattern) {
                    let name = String(match.output[1].substring ?? "")
                    let value = match.output[2].substring.map { $0.filter { $0 != "\"" && $0 != "_" } }
                    variables[name, default: []].formUnion(value.map { [$0] } ?? [])
                }
            }
        }
        return variables
    }

    @Test("docs/operations.md names every variable the code reads, with its default, and no other in its tables")
    func operationsListsEveryVariable() throws {
        let lines = try String(
            contentsOf: Self.repositoryRoot.appendingPathComponent("docs/operations.md"), encoding: .utf8
        ).split(separator: "\n").map(String.init)
        let variables = try Self.variablesInSource()
        #expect(variables.count > 60, "the scan found \(variables.count) variables")
        for (name, defaults) in variables {
            guard let line = lines.firstIndex(where: { $0.contains("`\(name)`") }) else {
                Issue.record("docs/operations.md does not name \(name)")
                continue
            }
            // A table row, or a list item that may wrap onto the next two lines.
            let end = lines[line].hasPrefix("|") ? line + 1 : min(line + 3, lines.count)
            let entry = lines[line..<end].joined(separator: " ").split(whereSeparator: \.isWhitespace)
                .joined(separator: " ")
            for value in defaults where !value.isEmpty {
                // The value as a table cell (`4`) or after "default" ("default 256, 1-8192").
                let escaped = value.replacingOccurrences(of: ".", with: "\\.")
                let documented = try Regex("(`\(escaped)`|default `?\(escaped)(?![0-9.]))")
                #expect(entry.contains(documented), "\(name): default \(value) not documented")
            }
        }
        for row in lines where row.hasPrefix("| `STYLECAST_") {
            let name = row.dropFirst(3).prefix { $0 != "`" }
            #expect(variables[String(name)] != nil, "docs/operations.md lists \(name), which nothing reads")
        }
    }
}
