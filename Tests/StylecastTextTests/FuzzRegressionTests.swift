import StylecastFuzzTargets
import StylecastText
import Testing

/// Every committed tokenizer fuzz input (seed corpus and the inputs that once broke it) is
/// tokenized by all-MiniLM-L6-v2's tokenizer and the result checked.
@Suite("Fuzz regressions: WordPiece tokenizer")
struct TokenizerFuzzRegressionTests {
    static let target = Result { TokenizerFuzzTarget(tokenizer: try WordPieceTokenizer(directory: try ModelFiles.requireModel())) }

    @Test("each tokenizer fuzz input gives [CLS] ... [SEP] within the limit and the vocabulary", arguments: FuzzTargets.committedInputs(of: TokenizerFuzzTarget.name))
    func tokenizerInput(_ path: String) throws {
        _ = try Self.target.get().run(FuzzTargets.contents(of: path))
    }
}
