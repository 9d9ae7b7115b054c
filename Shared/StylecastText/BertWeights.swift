import StylecastModelFormat
import StylecastTensor

/// A view of a safetensors file under a name prefix, like candle's `VarBuilder`: blocks ask for
/// their weights by short names (`scoped("attention").tensor("output.dense.weight", ...)`) and
/// the shapes are checked on load.
struct BertWeights: Sendable {
    let file: SafetensorsFile
    let prefix: String

    /// Opens the root scope, finding the prefix (`""`, `"bert."`, `"model."`, ...) from the
    /// word-embedding table's name, so checkpoints saved from `BertModel` and from task models
    /// that wrap it both load.
    init(file: SafetensorsFile) throws(TextModelError) {
        let anchor = "embeddings.word_embeddings.weight"
        guard let name = file.tensorNames.filter({ $0.hasSuffix(anchor) }).min(by: { $0.count < $1.count }) else {
            throw .missingWeight(name: anchor)
        }
        self.init(file: file, prefix: String(name.dropLast(anchor.count)))
    }

    private init(file: SafetensorsFile, prefix: String) {
        self.file = file
        self.prefix = prefix
    }

    /// The scope of a sub-module: names below it are looked up as `component.name`.
    func scoped(_ component: String) -> BertWeights {
        BertWeights(file: file, prefix: prefix + component + ".")
    }

    /// A weight by its name in this scope, which must have `shape`.
    func tensor(_ name: String, shape: [Int]) throws(TextModelError) -> Tensor {
        let fullName = prefix + name
        let tensor: Tensor
        do {
            tensor = try file.tensor(named: fullName)
        } catch .tensorNotFound {
            throw .missingWeight(name: fullName)
        } catch {
            throw .invalidWeights(error)
        }
        guard tensor.shape == shape else {
            throw .unexpectedWeightShape(name: fullName, expected: shape, found: tensor.shape)
        }
        return tensor
    }
}

/// Runs tensor operations whose shapes the model has already validated: a failure is a defect,
/// reported as ``TextModelError/tensor(_:)``.
func tensorOperation<Result>(_ body: () throws(TensorError) -> Result) throws(TextModelError) -> Result {
    do {
        return try body()
    } catch {
        throw .tensor(error)
    }
}
