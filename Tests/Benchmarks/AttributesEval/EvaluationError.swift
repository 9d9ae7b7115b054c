/// Why the evaluation cannot run.
enum EvaluationError: Error, CustomStringConvertible {
    case cannotRead(path: String, reason: String)
    case missingColumn(String)
    case usage(String)

    var description: String {
        switch self {
        case let .cannotRead(path, reason): "cannot read \(path): \(reason)"
        case let .missingColumn(name): "the CSV has no column \"\(name)\""
        case let .usage(message): message
        }
    }
}
