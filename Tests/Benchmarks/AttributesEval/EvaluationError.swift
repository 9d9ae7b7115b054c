/// Why the evaluation cannot run.
enum EvaluationError: Error, CustomStringConvertible {
    case usage(String)

    var description: String {
        switch self {
        case let .usage(message): message
        }
    }
}
