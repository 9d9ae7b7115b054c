import StylecastErrors

/// Failures of the image-generation service, classified for ``ErrorStatusTable``. Invalid
/// requests throw ``InvalidInput`` naming the field and the limit.
package enum ImageGenerationError: StylecastError, Equatable {
    /// A service this one depends on did not answer (UNAVAILABLE).
    case upstreamUnavailable(service: String, target: String, reason: String)
    /// A service this one depends on answered something unusable (UNAVAILABLE).
    case upstreamAnswer(service: String, problem: String)
    /// The call's deadline passed while waiting for another service (DEADLINE_EXCEEDED).
    case upstreamDeadline(service: String)
    /// trend-aggregation reports no rising category, colour or pattern yet
    /// (NOT_FOUND: ingest data first).
    case noRisingAttributes

    package var failureKind: FailureKind {
        switch self {
        case .upstreamUnavailable, .upstreamAnswer: .unavailable
        case .upstreamDeadline: .deadlineExceeded
        case .noRisingAttributes: .notFound
        }
    }

    /// Whether this is a failure to reach or use another service (rather than an answer about
    /// the request): what an enrichment degrades on.
    package var isUpstreamFailure: Bool {
        switch self {
        case .upstreamUnavailable, .upstreamAnswer, .upstreamDeadline: true
        case .noRisingAttributes: false
        }
    }

    package var description: String {
        switch self {
        case .upstreamUnavailable(let service, let target, let reason):
            "\(service) at \(target) is unavailable: \(reason)"
        case .upstreamAnswer(let service, let problem):
            "\(service) gave an unusable answer: \(problem)"
        case .upstreamDeadline(let service):
            "the deadline passed while waiting for \(service)"
        case .noRisingAttributes:
            "trend-aggregation reports no rising category, colour or pattern yet: ingest data first"
        }
    }
}
