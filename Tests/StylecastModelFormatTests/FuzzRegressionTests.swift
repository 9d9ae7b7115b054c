import StylecastFuzzTargets
import Testing

/// Every committed safetensors fuzz input (seed corpus and the inputs that once broke the
/// reader) goes through the fuzz target: read, checked and round-tripped, or refused with a
/// typed error.
@Suite("Fuzz regressions: safetensors reader")
struct SafetensorsFuzzRegressionTests {
    @Test("each safetensors fuzz input reads and round-trips, or is refused as invalid input", arguments: FuzzTargets.committedInputs(of: SafetensorsFuzzTarget.name))
    func safetensorsInput(_ path: String) throws {
        _ = try SafetensorsFuzzTarget().run(FuzzTargets.contents(of: path))
    }

    @Test func theSeedCorpusHoldsFilesTheReaderAccepts() throws {
        let outcomes = try FuzzTargets.committedInputs(of: SafetensorsFuzzTarget.name).map {
            try SafetensorsFuzzTarget().run(FuzzTargets.contents(of: $0))
        }
        #expect(outcomes.filter(\.isAccepted).count >= 4)
    }
}
