import Logging
import StylecastAttributes
import StylecastCalendar

extension AttributeCombiner {
    /// The service's combiner: the engine's lexicon plus, unless `settings` is `nil`, a
    /// zero-shot classifier whose prototypes are embedded now, in one batch on the engine's
    /// inference thread (a few hundred short sentences; the time taken is logged).
    /// - Parameters:
    ///   - engine: Embeds the prompts and holds the lexicon.
    ///   - settings: Zero-shot rules and kinds, or `nil` for lexicon matches only.
    ///   - logger: Receives the start-up cost.
    /// - Throws: The encoder's error, or ``ZeroShotError`` for a defect.
    static func build(engine: EmbeddingEngine, settings: ZeroShotSettings?, logger: Logger) async throws
        -> AttributeCombiner
    {
        guard let settings, !settings.enabledKinds.isEmpty else {
            logger.info("zero-shot attributes off")
            return AttributeCombiner(extractor: engine.extractor, classifier: nil)
        }
        let started = ContinuousClock.now
        let prompts = AttributePrompts.prompts(for: .standard, kinds: settings.enabledKinds)
        let embeddings = try await engine.embed(tokenized: engine.tokenize(prompts.map(\.sentence)))
        let prototypes = try AttributePrototypes(prompts: prompts, embeddings: embeddings.map(\.vector))
        logger.info(
            "zero-shot prototypes embedded",
            metadata: [
                "kinds": "\(AttributeKind.allCases.filter(settings.enabledKinds.contains).map(\.rawValue))",
                "values": "\(prototypes.values.count)", "sentences": "\(prompts.count)",
                "ms": "\(Int((ContinuousClock.now - started).milliseconds.rounded()))",
            ])
        return AttributeCombiner(
            extractor: engine.extractor, classifier: ZeroShotClassifier(prototypes: prototypes, settings: settings))
    }
}
