import Foundation
import StylecastErrors
import StylecastModelFormat
import StylecastTensor
import StylecastText
import Testing

/// Broken model files are typed errors at load, never crashes or silent defaults.
@Suite("Loading broken model files")
struct ModelLoadingErrorTests {
    /// A fresh directory holding `files` (name -> contents).
    static func directory(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stylecast-text-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, contents) in files { try contents.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    static let validVocabulary = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n"
    static let validConfig = #"{"do_lower_case": true, "unk_token": "[UNK]"}"#

    static func tokenizerError(vocabulary: String?, config: String?) throws -> TextModelError? {
        var files: [String: String] = [:]
        files["vocab.txt"] = vocabulary
        files["tokenizer_config.json"] = config
        let path = try directory(files)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return #expect(throws: TextModelError.self) { try WordPieceTokenizer(directory: path) }
    }

    @Test("a valid vocabulary and configuration load, and the vocabulary's ids are its line numbers")
    func validFilesLoad() throws {
        let path = try Self.directory(["vocab.txt": Self.validVocabulary, "tokenizer_config.json": Self.validConfig])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tokenizer = try WordPieceTokenizer(directory: path)
        #expect(tokenizer.vocabularySize == 6)
        #expect(tokenizer.tokenize("Hello").ids == [2, 5, 3])
    }

    @Test("a missing vocabulary is cannotRead, which the service reports as unavailable")
    func missingVocabulary() throws {
        let error = try Self.tokenizerError(vocabulary: nil, config: Self.validConfig)
        guard case .cannotRead(let path, _) = error else {
            Issue.record("expected cannotRead, got \(String(describing: error))")
            return
        }
        #expect(path.hasSuffix("vocab.txt"))
        #expect(error?.failureKind == .unavailable)
    }

    @Test("an empty vocabulary is emptyVocabulary")
    func emptyVocabulary() throws {
        let error = try Self.tokenizerError(vocabulary: "", config: Self.validConfig)
        guard case .emptyVocabulary = error else {
            Issue.record("expected emptyVocabulary, got \(String(describing: error))")
            return
        }
    }

    @Test(
        "a special token that the vocabulary lacks is missingSpecialToken naming it",
        arguments: [
            // A vocabulary without [CLS].
            ("[PAD]\n[UNK]\n[SEP]\nhello\n", validConfig, "[CLS]"),
            // A configuration naming an unknown token that the vocabulary lacks.
            (validVocabulary, #"{"unk_token": "<unk>"}"#, "<unk>"),
        ])
    func missingSpecialToken(vocabulary: String, config: String, expectedToken: String) throws {
        let error = try Self.tokenizerError(vocabulary: vocabulary, config: config)
        guard case .missingSpecialToken(let token, _) = error else {
            Issue.record("expected missingSpecialToken, got \(String(describing: error))")
            return
        }
        #expect(token == expectedToken)
    }

    @Test(
        "a corrupt tokenizer configuration is invalidConfiguration",
        arguments: [#"{"do_lower_case": tru"#, "[1, 2]", #"{"do_lower_case": "yes"}"#, #"{"unk_token": 7}"#])
    func corruptTokenizerConfig(contents: String) throws {
        let error = try Self.tokenizerError(vocabulary: Self.validVocabulary, config: contents)
        guard case .invalidConfiguration(let path, _) = error else {
            Issue.record("expected invalidConfiguration, got \(String(describing: error))")
            return
        }
        #expect(path.hasSuffix("tokenizer_config.json"))
    }

    static let miniLMConfig = """
        {"vocab_size": 30522, "hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12,
         "intermediate_size": 1536, "hidden_act": "gelu", "max_position_embeddings": 512,
         "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0}
        """

    @Test("config.json is read into BertConfig with the MiniLM values")
    func configReads() throws {
        let path = try Self.directory(["config.json": Self.miniLMConfig])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try BertConfig(contentsOf: path + "/config.json") == .miniLML6)
    }

    @Test(
        "a corrupt or unsupported config.json is a typed error",
        arguments: [
            ("{\"vocab_size\": ", "invalid"),
            (#"{"vocab_size": 30522}"#, "invalid"),
            (#"{"vocab_size": "many", "hidden_size": 384}"#, "invalid"),
            (miniLMConfig.replacingOccurrences(of: "\"gelu\"", with: "\"relu\""), "unsupported"),
            (miniLMConfig.replacingOccurrences(of: "\"num_attention_heads\": 12", with: "\"num_attention_heads\": 7"),
             "unsupported"),
        ])
    func corruptModelConfig(contents: String, kind: String) throws {
        let path = try Self.directory(["config.json": contents])
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try BertConfig(contentsOf: path + "/config.json")
            Issue.record("expected an error")
        } catch .invalidConfiguration {
            #expect(kind == "invalid")
        } catch .unsupportedConfiguration {
            #expect(kind == "unsupported")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a weights file that is not safetensors is invalidWeights; a missing or misshapen tensor is named")
    func corruptWeights() throws {
        let path = try Self.directory(["config.json": Self.miniLMConfig, "model.safetensors": "not safetensors"])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try BertEncoder(directory: path)
        } throws: { error in
            guard case .invalidWeights = error as? TextModelError else { return false }
            return true
        }
        // Names resolve under the "bert." prefix that task checkpoints use.
        var writer = SafetensorsWriter()
        try writer.add(Tensor(zeros: [4, 384]), named: "bert.embeddings.word_embeddings.weight")
        try writer.write(to: path + "/model.safetensors")
        #expect(throws: TextModelError.missingWeight(name: "bert.embeddings.token_type_embeddings.weight")) {
            try BertEncoder(directory: path)
        }
        try writer.add(Tensor(zeros: [2, 384]), named: "bert.embeddings.token_type_embeddings.weight")
        try writer.write(to: path + "/model.safetensors")
        #expect(throws: TextModelError.unexpectedWeightShape(
            name: "bert.embeddings.word_embeddings.weight", expected: [30522, 384], found: [4, 384])) {
            try BertEncoder(directory: path)
        }
    }

    @Test("token ids outside the vocabulary are invalid input, not a crash")
    func invalidTokenIDs() throws {
        let embedder = try ModelFiles.embedder()
        #expect(throws: TextModelError.invalidTokenID(40_000, position: 1, vocabularySize: 30_522)) {
            try embedder.encoder.forward(TokenBatch(sequences: [[101, 40_000, 102]]))
        }
        #expect(TextModelError.invalidTokenID(1, position: 0, vocabularySize: 1).failureKind == .invalidInput)
    }
}
