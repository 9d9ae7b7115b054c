import StylecastCalendar

/// Sentences per second over whole passes of a corpus: every text counts once per pass, so
/// the figure does not depend on which texts a time limit happened to cut off.
enum Throughput {
    /// Runs one warm-up batch, then whole passes over `batches` until `seconds` have passed
    /// (at least one pass).
    /// - Parameters:
    ///   - batches: The corpus in batches.
    ///   - seconds: Least measuring time, in seconds.
    ///   - body: Embeds one batch; returns the number of texts it answered.
    /// - Returns: Texts per second and the number of passes.
    static func measure(
        batches: [[String]], seconds: Double, _ body: ([String]) async throws -> Int
    ) async throws -> (sentencesPerSecond: Double, passes: Int) {
        _ = try await body(batches[0])
        var texts = 0
        var passes = 0
        let start = ContinuousClock.now
        repeat {
            for batch in batches {
                let answered = try await body(batch)
                precondition(answered == batch.count, "answered \(answered) of \(batch.count) texts")
                texts += answered
            }
            passes += 1
        } while (ContinuousClock.now - start).totalSeconds < seconds
        return (Double(texts) / (ContinuousClock.now - start).totalSeconds, passes)
    }
}


/// Latency of one call made again and again, one at a time.
enum Latency {
    /// Runs `body` 3 times to warm up, then at least 50 times and until `seconds` have passed.
    /// - Returns: The median and the 99th percentile in milliseconds, and the number of calls timed.
    static func measure(seconds: Double, _ body: () async throws -> Void) async throws -> (
        p50Milliseconds: Double, p99Milliseconds: Double, calls: Int
    ) {
        for _ in 0..<3 { try await body() }
        var samples: [Double] = []
        let start = ContinuousClock.now
        repeat {
            let began = ContinuousClock.now
            try await body()
            samples.append((ContinuousClock.now - began).milliseconds)
        } while samples.count < 50 || (ContinuousClock.now - start).totalSeconds < seconds
        samples.sort()
        let percentile = { (q: Double) in samples[min(samples.count - 1, Int((q * Double(samples.count)).rounded(.down)))] }
        return (percentile(0.5), percentile(0.99), samples.count)
    }
}
