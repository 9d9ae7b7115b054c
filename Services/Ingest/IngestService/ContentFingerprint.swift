import StylecastProto
import StylecastRedis
import SwiftProtobuf

/// The SHA-1 of a record's normalised content without its ids: two records with the same
/// fingerprint are the same content, whatever ids they came with.
enum ContentFingerprint {
    /// The fingerprint of an item: every field but `item_id` and `source_id` (the image
    /// included), from its deterministic binary encoding.
    static func of(_ item: Stylecast_V1_FashionItem) -> String {
        var content = item
        content.itemID = ""
        content.sourceID = ""
        content.imageFeatures = .init()
        return digest(content)
    }

    /// The fingerprint of an interaction: every field but `interaction_id`.
    static func of(_ interaction: Stylecast_V1_Interaction) -> String {
        var content = interaction
        content.interactionID = ""
        return digest(content)
    }

    private static func digest(_ message: some SwiftProtobuf.Message) -> String {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let bytes: [UInt8] = (try? message.serializedBytes(options: options)) ?? []
        return SHA1.hexDigest(bytes)
    }
}
