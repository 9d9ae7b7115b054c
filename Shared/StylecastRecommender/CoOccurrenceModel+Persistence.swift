import StylecastModelFormat
import StylecastTensor

extension CoOccurrenceModel {
    /// Metadata key naming the model kind in the file.
    static let kindValue = "item-cooccurrence"

    /// Writes the neighbour lists and the configuration to a safetensors file: tensors
    /// `neighbour_starts` and `neighbour_items` (I64) and `similarities` (F32); the
    /// configuration as string metadata (an absent half-life or gap is stored as `none`).
    /// - Parameter path: Destination file, replaced if present.
    /// - Throws: ``RecommenderError/modelFile(_:)`` when the file cannot be written.
    public func save(to path: String) throws(RecommenderError) {
        let c = configuration
        var writer = SafetensorsWriter(metadata: [
            "kind": Self.kindValue, "item_count": String(itemCount),
            "pair_half_life": Self.text(c.pairDecay.halfLife), "maximum_gap": Self.text(c.maximumGap),
            "age_half_life": Self.text(c.ageDecay.halfLife), "history_half_life": Self.text(c.historyDecay.halfLife),
            "neighbours": String(c.neighbours), "normalization": c.normalization.rawValue,
        ])
        do {
            try writer.add(int64Values: neighbourStarts.map { Int64($0) }, shape: [neighbourStarts.count], named: "neighbour_starts")
            try writer.add(int64Values: neighbourItems.map { Int64($0) }, shape: [neighbourItems.count], named: "neighbour_items")
            try writer.add(Tensor(shape: [similarities.count], values: similarities), named: "similarities")
            try writer.write(to: path)
        } catch let error as SafetensorsError {
            throw .modelFile(error)
        } catch {
            throw .invalidModelFile(path: path, reason: "\(error)")
        }
    }

    /// Loads a model written by ``save(to:)``.
    /// - Parameter path: The safetensors file.
    /// - Throws: ``RecommenderError/modelFile(_:)`` for an unreadable file or missing tensor,
    ///   ``RecommenderError/invalidModelFile(path:reason:)`` for bad metadata or lists.
    public init(contentsOf path: String) throws(RecommenderError) {
        let file: SafetensorsFile
        let starts: [Int64]
        let items: [Int64]
        let values: [Float]
        do {
            file = try SafetensorsFile(contentsOf: path)
            starts = try file.int64Values(named: "neighbour_starts")
            items = try file.int64Values(named: "neighbour_items")
            values = try file.tensor(named: "similarities").scalars
        } catch {
            throw .modelFile(error)
        }
        guard file.metadata["kind"] == Self.kindValue else {
            throw .invalidModelFile(path: path, reason: "kind must be \(Self.kindValue)")
        }
        let metadata = ModelMetadata(values: file.metadata, path: path)
        guard let normalization = CoOccurrenceConfiguration.Normalization(rawValue: try metadata.string("normalization")) else {
            throw .invalidModelFile(path: path, reason: "unknown normalization")
        }
        let configuration = CoOccurrenceConfiguration(
            pairDecay: TimeDecay(halfLife: try Self.optional(metadata, "pair_half_life")),
            maximumGap: try Self.optional(metadata, "maximum_gap"),
            ageDecay: TimeDecay(halfLife: try Self.optional(metadata, "age_half_life")),
            historyDecay: TimeDecay(halfLife: try Self.optional(metadata, "history_half_life")),
            neighbours: try metadata.integer("neighbours"), normalization: normalization)
        guard items.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }) else {
            throw .invalidModelFile(path: path, reason: "neighbour_items outside 0...\(Int32.max)")
        }
        do {
            try self.init(
                itemCount: try metadata.integer("item_count"), configuration: configuration,
                neighbourStarts: starts.map { Int($0) }, neighbourItems: items.map { Int32($0) }, similarities: values)
        } catch {
            throw .invalidModelFile(path: path, reason: error.description)
        }
    }

    private static func text(_ value: Double?) -> String {
        value.map { String($0) } ?? "none"
    }

    private static func optional(_ metadata: ModelMetadata, _ key: String) throws(RecommenderError) -> Double? {
        try metadata.string(key) == "none" ? nil : try metadata.double(key)
    }
}
