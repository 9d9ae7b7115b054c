import StylecastContracts
import StylecastProto

/// Validates one `ItemUpdate` of `Ingest.UpdateItems` and applies it to a stored item.
///
/// Rules, first broken one reported: `item_id` required, at most 256 bytes without `{` or `}`
/// (``KeyIdentifier``); `price`, when set, finite and not negative; at least one of
/// `out_of_stock`, `price` and `hidden` set.
struct ItemUpdatePreparation: Sendable {
    /// Most updates one call may carry.
    static let maximumUpdates = 10_000

    /// The normalised update, or the first rule it breaks.
    func prepare(_ incoming: Stylecast_V1_ItemUpdate) -> Result<Stylecast_V1_ItemUpdate, RecordRejection> {
        var update = incoming
        update.itemID = TextNormalization.normalized(update.itemID)
        if let rule = KeyIdentifier.violation(of: update.itemID) { return .failure(.init(field: "item_id", rule: rule)) }
        if update.hasPrice, !(update.price.isFinite && update.price >= 0) {
            return .failure(.init(field: "price", rule: "must be a finite number >= 0 (0: unknown), got \(update.price)"))
        }
        guard update.hasOutOfStock || update.hasPrice || update.hasHidden else {
            return .failure(.init(field: "out_of_stock/price/hidden", rule: "at least one must be set"))
        }
        return .success(update)
    }

    /// `item` with the fields `update` sets.
    static func applying(_ update: Stylecast_V1_ItemUpdate, to item: Stylecast_V1_FashionItem) -> Stylecast_V1_FashionItem {
        var updated = item
        if update.hasOutOfStock { updated.outOfStock = update.outOfStock }
        if update.hasPrice { updated.price = update.price }
        if update.hasHidden { updated.hidden = update.hidden }
        return updated
    }
}
