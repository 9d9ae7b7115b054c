import Foundation
import SwiftProtobuf

/// An index over a `FileDescriptorSet`: which file declares a symbol, and the files a file
/// depends on. Server reflection answers from it.
public struct DescriptorIndex: Sendable {
    /// Serialized `FileDescriptorProto` of each file, by file name.
    private var serializedFiles: [String: Data] = [:]
    /// Direct dependencies of each file.
    private var dependencies: [String: [String]] = [:]
    /// File declaring each fully-qualified symbol (packages, messages, enums, services, methods).
    private var fileBySymbol: [String: String] = [:]

    /// Errors building the index.
    public enum Failure: Error, CustomStringConvertible {
        case notBase64
        case malformed(String)

        public var description: String {
            switch self {
            case .notBase64: "descriptor set is not valid base64"
            case .malformed(let reason): "descriptor set does not parse: \(reason)"
            }
        }
    }

    /// Builds the index from a base64-encoded serialized `FileDescriptorSet`.
    public init(base64 descriptorSet: String) throws {
        guard let data = Data(base64Encoded: descriptorSet, options: .ignoreUnknownCharacters) else {
            throw Failure.notBase64
        }
        let set: Google_Protobuf_FileDescriptorSet
        do {
            set = try Google_Protobuf_FileDescriptorSet(serializedBytes: data)
        } catch {
            throw Failure.malformed("\(error)")
        }
        for file in set.file {
            serializedFiles[file.name] = try file.serializedData()
            dependencies[file.name] = file.dependency
            let prefix = file.package.isEmpty ? "" : file.package + "."
            for message in file.messageType { indexMessage(message, prefix: prefix, file: file.name) }
            for enumeration in file.enumType { fileBySymbol[prefix + enumeration.name] = file.name }
            for service in file.service {
                let serviceName = prefix + service.name
                fileBySymbol[serviceName] = file.name
                for method in service.method { fileBySymbol[serviceName + "." + method.name] = file.name }
            }
        }
    }

    private mutating func indexMessage(_ message: Google_Protobuf_DescriptorProto, prefix: String, file: String) {
        let name = prefix + message.name
        fileBySymbol[name] = file
        for field in message.field { fileBySymbol[name + "." + field.name] = file }
        for nested in message.nestedType { indexMessage(nested, prefix: name + ".", file: file) }
        for enumeration in message.enumType { fileBySymbol[name + "." + enumeration.name] = file }
    }

    /// Names of all indexed files.
    public var fileNames: [String] { serializedFiles.keys.sorted() }

    /// Whether a fully-qualified symbol is declared in the set.
    public func contains(symbol: String) -> Bool { fileBySymbol[symbol] != nil }

    /// The file declaring `symbol`, with its transitive dependencies, `nil` when unknown.
    public func filesContaining(symbol: String) -> [Data]? {
        fileBySymbol[symbol].flatMap { filesWithDependencies(of: $0) }
    }

    /// The named file followed by its transitive dependencies, `nil` when unknown.
    public func filesWithDependencies(of fileName: String) -> [Data]? {
        guard serializedFiles[fileName] != nil else { return nil }
        var ordered: [String] = []
        var seen: Set<String> = []
        var pending = [fileName]
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            ordered.append(next)
            pending.append(contentsOf: dependencies[next] ?? [])
        }
        return ordered.compactMap { serializedFiles[$0] }
    }
}
