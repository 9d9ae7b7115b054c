import StylecastFuzzTargets
import Testing

/// Every committed fuzz input (seed corpus and the inputs that once broke the decoders) goes
/// through the fuzz targets' entry points: decoded and checked, or refused with a typed error.
@Suite("Fuzz regressions: PNG and idx decoders")
struct ImageIOFuzzRegressionTests {
    @Test("each PNG fuzz input decodes and round-trips, or is refused as invalid input", arguments: FuzzTargets.committedInputs(of: PNGFuzzTarget.name))
    func pngInput(_ path: String) throws {
        _ = try PNGFuzzTarget().run(FuzzTargets.contents(of: path))
    }

    @Test("each idx fuzz input parses with consistent dimensions, or is refused as invalid input", arguments: FuzzTargets.committedInputs(of: IDXFuzzTarget.name))
    func idxInput(_ path: String) throws {
        _ = try IDXFuzzTarget().run(FuzzTargets.contents(of: path))
    }

    @Test func theSeedCorpusHoldsImagesBothDecodersAccept() throws {
        let png = try FuzzTargets.committedInputs(of: PNGFuzzTarget.name).map { try PNGFuzzTarget().run(FuzzTargets.contents(of: $0)) }
        let idx = try FuzzTargets.committedInputs(of: IDXFuzzTarget.name).map { try IDXFuzzTarget().run(FuzzTargets.contents(of: $0)) }
        #expect(png.filter(\.isAccepted).count >= 6)
        #expect(idx.filter(\.isAccepted).count >= 4)
    }
}
