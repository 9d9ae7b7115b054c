import ArgumentParser
import StylecastContracts
import StylecastRedis

/// `stylecast dead-letters list|replay STREAM`: what the services gave up on, and requeueing it.
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "List or replay the entries a work stream's consumers gave up on.",
        discussion: """
            Every work stream has a dead-letter stream (its name plus :dead) where a consumer \
            moves an entry that is invalid or kept failing, with the reason. After fixing the \
            cause, `replay` appends the entries back to their stream for the group that gave up \
            (other groups skip them) and removes them from the dead-letter stream \
            (docs/operations.md, "Dead letters").

            STREAM is a work stream, e.g. stylecast:{items.embedded}, or its short name \
            (items.embedded, interactions, signals, items.ingested).

            Examples:
              stylecast dead-letters list items.embedded
              stylecast dead-letters replay items.embedded --all
              stylecast dead-letters replay interactions --id 1718000000000-0
            """,
        subcommands: [List.self, Replay.self])

    /// Where Redis is, shared by both subcommands.
    struct Target: ParsableArguments {
        @Argument(help: "The work stream: stylecast:{items.embedded} or items.embedded; one partition of a partitioned stream: items.embedded#2 (0 is items.embedded).")
        var stream: String

        @OptionGroup var redis: RedisOptions

        /// The stream's full key.
        var streamKey: String {
            WorkStream.partition(named: stream).map { $0.stream.key(partition: $0.partition) } ?? stream
        }

        /// Runs `body` with the dead letters of the stream, on a client closed afterwards.
        func withDeadLetters<Result>(_ body: (DeadLetters) async throws -> Result) async throws -> Result {
            guard !stream.hasSuffix(":dead") else {
                throw ValidationError("STREAM is the work stream, without :dead (got \(stream))")
            }
            return try await withQuietRedisClient(try redis.url()) { try await body(DeadLetters(client: $0, stream: streamKey)) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead-letter entries, oldest first.")

        @OptionGroup var target: Target

        @Option(help: "Most entries listed.")
        var count = 100

        @Flag(help: "One JSON object per entry.")
        var json = false

        func run() async throws {
            let (deadLetters, letters) = try await target.withDeadLetters { ($0, try await $0.list(count: count)) }
            if json {
                for letter in letters {
                    try printJSON([
                        "id": letter.id, "original_id": letter.originalID, "original_stream": letter.originalStream,
                        "group": letter.group, "consumer": letter.consumer, "reason": letter.reason,
                        "delivery_count": letter.deliveryCount,
                        "fields": Dictionary(letter.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }),
                    ])
                }
                return
            }
            print("\(letters.count) dead letters in \(deadLetters.deadLetterStream)")
            for letter in letters {
                let fields = letter.fields.map { "\($0.name)=\($0.value.prefix(60))" }.joined(separator: " ")
                print("\(letter.id)  entry \(letter.originalID)  group \(letter.group)  deliveries \(letter.deliveryCount)")
                print("  reason: \(letter.reason)")
                print("  fields: \(fields)")
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append dead-letter entries back to their stream for the group that gave up on them.")

        @OptionGroup var target: Target

        @Option(name: .customLong("id"), help: "A dead-letter entry ID to replay (repeatable).")
        var ids: [String] = []

        @Flag(help: "Replay every dead-letter entry of the stream.")
        var all = false

        func validate() throws {
            guard all != !ids.isEmpty else { throw ValidationError("give --all or one or more --id, not both") }
        }

        func run() async throws {
            let (deadLetters, replayed) = try await target.withDeadLetters { ($0, try await $0.replay(ids: all ? nil : ids)) }
            for (deadID, newID) in replayed { print("\(deadID) -> \(deadLetters.stream) \(newID)") }
            print("replayed \(replayed.count) dead letters to \(deadLetters.stream)")
            if !all && replayed.count < ids.count {
                throw ValidationError("\(ids.count - replayed.count) of the given IDs are not in \(deadLetters.deadLetterStream)")
            }
        }
    }
}
