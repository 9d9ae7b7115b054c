import Foundation

/// The benchmark's texts: a JSON-lines file, one JSON string per line, written by
/// `scripts/bench/embedding.sh` from the shared data.
struct Corpus {
    /// The texts, in file order.
    var texts: [String]

    /// Why a corpus file could not be read.
    enum LoadError: Error, CustomStringConvertible {
        case unreadable(path: String)
        case notAString(path: String, line: Int)
        case empty(path: String)

        var description: String {
            switch self {
            case .unreadable(let path): "corpus \(path) cannot be read"
            case .notAString(let path, let line): "corpus \(path) line \(line) is not a JSON string"
            case .empty(let path): "corpus \(path) holds no texts"
            }
        }
    }

    /// Reads a JSON-lines corpus.
    /// - Parameter path: The file.
    /// - Throws: ``LoadError`` naming the file and line.
    init(path: String) throws(LoadError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        var texts: [String] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            guard
                let text = try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
                    as? String
            else { throw .notAString(path: path, line: index + 1) }
            texts.append(text)
        }
        guard !texts.isEmpty else { throw .empty(path: path) }
        self.texts = texts
    }

    /// The corpus cut into consecutive batches of `size` texts; the last one may be shorter.
    /// - Parameter size: Texts per batch (at least 1).
    func batches(of size: Int) -> [[String]] {
        stride(from: 0, to: texts.count, by: size).map { Array(texts[$0..<min($0 + size, texts.count)]) }
    }
}
