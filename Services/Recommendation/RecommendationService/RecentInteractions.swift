import Foundation
import StylecastContracts
import StylecastRedis

/// The interactions of each user logged since the model was trained, in Redis, so that every
/// replica scores with them before the next refresh.
///
/// Key `stylecast:rec:{<user id>}:recent`: a hash from interaction id to a JSON list
/// `[entry id, item id, kind, day]`, expiring 30 days after the user's last event. Recording
/// one interaction also deletes the user's cached answer, in one script (both keys carry the
/// user's hash tag); recording it twice changes nothing.
package struct RecentInteractions: Sendable {
    private let redis: RedisClient

    /// How long a user's recent events are kept after the last one.
    package static let lifetime: Duration = .seconds(30 * 86_400)

    static let recordScript = RedisScript(
        """
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('DEL', KEYS[2])
        return 1
        """)

    /// Creates the store.
    /// - Parameter redis: The Redis pool.
    package init(redis: RedisClient) {
        self.redis = redis
    }

    /// Records an interaction and invalidates the user's cached answer.
    /// - Throws: A ``RedisError``.
    package func record(_ interaction: LoggedInteraction) async throws(RedisError) {
        let value = [interaction.entryID, interaction.itemID, interaction.kind, String(interaction.day)]
        // Encoding an array of strings cannot fail.
        let json = try! JSONEncoder().encode(value)
        try await redis.evaluate(
            Self.recordScript,
            keys: [
                RedisArgument(StylecastKeys.Recommendation.recent(userID: interaction.userID)),
                RedisArgument(StylecastKeys.Recommendation.cache(userID: interaction.userID)),
            ],
            arguments: [
                RedisArgument(interaction.interactionID), RedisArgument(Array(json)),
                RedisArgument(Self.lifetime.components.seconds * 1000),
            ])
    }

    /// The user's recent interactions (malformed values skipped) and the hash's length.
    /// - Throws: A ``RedisError``.
    package func read(userID: String) async throws(RedisError) -> (interactions: [LoggedInteraction], count: Int) {
        let reply = try await redis.send("HGETALL", RedisArgument(StylecastKeys.Recommendation.recent(userID: userID)))
        let flat = reply.array ?? []
        var interactions: [LoggedInteraction] = []
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            guard let id = flat[index].string, let bytes = flat[index + 1].bytes,
                let value = try? JSONDecoder().decode([String].self, from: Data(bytes)), value.count == 4,
                let day = Double(value[3])
            else { continue }
            interactions.append(
                LoggedInteraction(
                    entryID: value[0], interactionID: id, userID: userID, itemID: value[1], kind: value[2], day: day))
        }
        return (interactions, flat.count / 2)
    }
}
