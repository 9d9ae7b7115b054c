import Foundation
import StylecastText

/// Where the tests find all-MiniLM-L6-v2 (from scripts/setup.sh) and the shared reference.
enum ModelFiles {
    /// The package root, found from this file's path (Tests/StylecastTextTests/ModelFiles.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `STYLECAST_MODELS_DIR`/all-MiniLM-L6-v2, by default `models/all-MiniLM-L6-v2` in the package.
    static var modelDirectory: String {
        let models = ProcessInfo.processInfo.environment["STYLECAST_MODELS_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? packageRoot + "/models"
        return models + "/all-MiniLM-L6-v2"
    }

    /// `STYLECAST_REFERENCE_DIR`/minilm_reference.json, by default `../shared/reference` beside the package.
    static var referencePath: String {
        let directory = ProcessInfo.processInfo.environment["STYLECAST_REFERENCE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? packageRoot + "/../shared/reference"
        return directory + "/minilm_reference.json"
    }

    /// A missing input, with what to do about it.
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The model directory, after checking that scripts/setup.sh has filled it.
    static func requireModel() throws -> String {
        for file in ["vocab.txt", "tokenizer_config.json", "config.json", "model.safetensors"] {
            guard FileManager.default.fileExists(atPath: modelDirectory + "/" + file) else {
                throw Missing(
                    description: "\(modelDirectory)/\(file) is missing: run scripts/setup.sh "
                        + "(or set STYLECAST_MODELS_DIR to the folder holding all-MiniLM-L6-v2/)")
            }
        }
        return modelDirectory
    }

    /// The parsed reference file.
    static func reference() throws -> Reference {
        guard let data = FileManager.default.contents(atPath: referencePath) else {
            throw Missing(
                description: "\(referencePath) is missing: set STYLECAST_REFERENCE_DIR to the folder holding it")
        }
        return try JSONDecoder().decode(Reference.self, from: data)
    }

    /// The embedder over the model files.
    static func embedder() throws -> SentenceEmbedder {
        try SentenceEmbedder(directory: try requireModel())
    }
}

/// `minilm_reference.json`: token ids and embeddings from sentence-transformers.
struct Reference: Decodable {
    struct Item: Decodable {
        var text: String
        var inputIds: [Int]
        var numTokens: Int
        var numUnk: Int?
        var untruncatedNumTokens: Int?
        var embedding: [Float]
    }

    var modelSafetensorsSha256: String
    var maxSeqLength: Int
    var items: [Item]
    var extras: [Item]

    enum CodingKeys: String, CodingKey {
        case modelSafetensorsSha256 = "model_safetensors_sha256"
        case maxSeqLength = "max_seq_length"
        case items, extras
    }
}

extension Reference.Item {
    enum CodingKeys: String, CodingKey {
        case text
        case inputIds = "input_ids"
        case numTokens = "num_tokens"
        case numUnk = "num_unk"
        case untruncatedNumTokens = "untruncated_num_tokens"
        case embedding
    }
}
