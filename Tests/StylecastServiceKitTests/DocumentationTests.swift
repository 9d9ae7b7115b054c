import Foundation
import StylecastServiceKit
import Testing

@Suite("Documentation stays true to the code")
struct DocumentationTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("docs/operations.md lists every environment variable with its default")
    func operationsListsEveryVariable() throws {
        let text = try String(
            contentsOf: Self.repositoryRoot.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        for variable in ServiceConfiguration.variables {
            let row = text.split(separator: "\n").first { $0.hasPrefix("| `\(variable.name)` |") }
            #expect(row != nil, "docs/operations.md has no row for \(variable.name)")
            #expect(row?.contains(variable.defaultValue) ?? false, "\(variable.name): default \(variable.defaultValue) not documented")
        }
        let documented = text.split(separator: "\n").filter { $0.hasPrefix("| `STYLECAST_") }.count
        #expect(documented == ServiceConfiguration.variables.count)
    }
}
