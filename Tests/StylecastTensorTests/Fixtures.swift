import Foundation
import StylecastTensor
import Testing

/// The cases written by `scripts/fixtures/make_tensor_fixtures.py` (numpy, float64, PyTorch
/// semantics) into `Fixtures/tensor_ops.json`.
struct Fixtures: Sendable {
    struct StoredTensor: Decodable, Sendable {
        var shape: [Int]
        var data: [Float]
    }

    struct Case: Decodable, Sendable {
        var inputs: [String: StoredTensor]
        var expected: [String: StoredTensor]
    }

    private struct File: Decodable {
        var cases: [String: Case]
    }

    /// Loaded once for the whole test run.
    static let shared: Fixtures = {
        do {
            guard let url = Bundle.module.url(forResource: "tensor_ops", withExtension: "json", subdirectory: "Fixtures")
            else { fatalError("Fixtures/tensor_ops.json is missing from the test bundle") }
            let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
            return Fixtures(cases: file.cases)
        } catch {
            fatalError("cannot read Fixtures/tensor_ops.json: \(error)")
        }
    }()

    let cases: [String: Case]

    /// An input tensor of a case.
    static func input(_ caseName: String, _ name: String) throws -> Tensor {
        let stored = try #require(shared.cases[caseName]?.inputs[name], "no input \(name) in \(caseName)")
        return try Tensor(shape: stored.shape, values: stored.data)
    }

    /// An expected output of a case.
    static func expected(_ caseName: String, _ name: String) throws -> StoredTensor {
        try #require(shared.cases[caseName]?.expected[name], "no expected \(name) in \(caseName)")
    }
}

/// The tolerance of every fixture comparison: `|actual - expected| <= 1e-5 * max(1, |expected|)`,
/// i.e. 1e-5 absolute for values up to 1 and 1e-5 relative above (float32 has ~6e-8 relative
/// precision; the products here sum at most 72 terms).
let fixtureTolerance: Float = 1e-5

/// Expects `actual` to have the expected shape and values within ``fixtureTolerance``.
func expectClose(
    _ actual: Tensor, _ caseName: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let expected = try Fixtures.expected(caseName, name)
    #expect(actual.shape == expected.shape, "\(caseName).\(name) shape", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    var worst: Float = 0
    var worstIndex = 0
    for (index, (a, e)) in zip(actual.scalars, expected.data).enumerated() {
        let excess = abs(a - e) / max(1, abs(e))
        if !(excess <= worst) {
            worst = excess
            worstIndex = index
        }
    }
    #expect(
        worst <= fixtureTolerance,
        "\(caseName).\(name): element \(worstIndex) is \(actual.scalars[worstIndex]), expected \(expected.data[worstIndex])",
        sourceLocation: sourceLocation)
}
