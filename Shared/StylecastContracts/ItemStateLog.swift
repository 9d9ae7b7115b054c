/// Where ingest publishes changes of an item's state (stock, price, hidden) for every
/// recommendation replica: a stream each replica reads whole from the position it started at
/// (no consumer group: every replica needs every change), then reads the item's stored body.
///
/// Ingest writes the body first, then the entry, so a reader that sees the entry reads the new
/// state; a change whose entry was cut off is marked at ``pendingKey(_:)`` (beside the body, in
/// its slot) and published by the next update of that item, a retry included.
public enum ItemStateLog {
    /// The stream, `stylecast:{items.state}`.
    public static let key = "\(StylecastKeys.namespace):{items.state}"
    /// The one field of an entry: the id of the item whose state changed.
    public static let itemIDField = "item_id"
    /// About how many entries the stream keeps (`XADD MAXLEN ~`): a replica further behind than
    /// this reloads every item's body instead.
    public static let retainedEntries = 100_000

    /// The marker of a change stored but not yet published, beside the item's body.
    public static func pendingKey(_ itemID: String) -> String { StylecastKeys.item(itemID) + ":state-pending" }
}
