import StylecastModelFormat
import StylecastTensor

extension ALSModel {
    /// Metadata key naming the model kind in the file.
    static let kindValue = "implicit-als"

    /// Writes the factors and the configuration to a safetensors file: tensors `user_factors`
    /// and `item_factors` (F32), the hyper-parameters as string metadata.
    /// - Parameter path: Destination file, replaced if present.
    /// - Throws: ``RecommenderError/modelFile(_:)`` when the file cannot be written.
    public func save(to path: String) throws(RecommenderError) {
        let c = configuration
        var writer = SafetensorsWriter(metadata: [
            "kind": Self.kindValue, "factors": String(c.factors), "regularization": String(c.regularization),
            "alpha": String(c.alpha), "iterations": String(c.iterations),
            "conjugate_gradient_steps": String(c.conjugateGradientSteps), "seed": String(c.seed),
        ])
        do {
            try writer.add(userFactors, named: "user_factors")
            try writer.add(itemFactors, named: "item_factors")
            try writer.write(to: path)
        } catch {
            throw .modelFile(error)
        }
    }

    /// Loads a model written by ``save(to:)``; the factors are copied out of the mapping.
    /// - Parameter path: The safetensors file.
    /// - Throws: ``RecommenderError/modelFile(_:)`` for an unreadable file or missing tensor,
    ///   ``RecommenderError/invalidModelFile(path:reason:)`` for missing or bad metadata.
    public init(contentsOf path: String) throws(RecommenderError) {
        let file: SafetensorsFile
        let users: Tensor
        let items: Tensor
        do {
            file = try SafetensorsFile(contentsOf: path)
        } catch {
            throw .modelFile(error)
        }
        guard file.metadata["kind"] == Self.kindValue else {
            throw .invalidModelFile(path: path, reason: "kind must be \(Self.kindValue)")
        }
        do {
            users = try file.tensor(named: "user_factors")
            items = try file.tensor(named: "item_factors")
        } catch {
            throw .modelFile(error)
        }
        let metadata = ModelMetadata(values: file.metadata, path: path)
        let configuration = try ALSConfiguration(
            factors: metadata.integer("factors"), regularization: metadata.float("regularization"),
            alpha: metadata.float("alpha"), iterations: metadata.integer("iterations"),
            conjugateGradientSteps: metadata.integer("conjugate_gradient_steps"),
            seed: metadata.unsigned("seed"))
        do {
            try self.init(
                configuration: configuration, userFactors: Tensor(shape: users.shape, values: users.scalars),
                itemFactors: Tensor(shape: items.shape, values: items.scalars))
        } catch {
            throw .invalidModelFile(path: path, reason: "\(error)")
        }
    }
}

/// Typed access to a model file's string metadata.
struct ModelMetadata {
    let values: [String: String]
    let path: String

    func string(_ key: String) throws(RecommenderError) -> String {
        guard let value = values[key] else { throw .invalidModelFile(path: path, reason: "no metadata \"\(key)\"") }
        return value
    }

    func integer(_ key: String) throws(RecommenderError) -> Int { try parsed(key, "an integer") }
    func unsigned(_ key: String) throws(RecommenderError) -> UInt64 { try parsed(key, "an unsigned integer") }
    func float(_ key: String) throws(RecommenderError) -> Float { try parsed(key, "a number") }
    func double(_ key: String) throws(RecommenderError) -> Double { try parsed(key, "a number") }

    /// The value of `key` read as a `Value`; `kind` names that type in the error.
    private func parsed<Value: LosslessStringConvertible>(
        _ key: String, _ kind: String
    ) throws(RecommenderError) -> Value {
        guard let value = Value(try string(key)) else {
            throw .invalidModelFile(path: path, reason: "metadata \"\(key)\" is not \(kind)")
        }
        return value
    }
}
