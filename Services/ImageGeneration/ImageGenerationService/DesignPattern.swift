/// The procedural surface patterns painted inside the garment.
package enum DesignPattern: String, CaseIterable, Sendable {
    case none, stripes, checks, dots, geometric, floral

    /// The pattern drawn for a lexicon pattern value, if any: the five drawable values map to
    /// themselves, `paisley` to floral, `colour block` to geometric, `solid` and `melange` to
    /// none; the others (`print`, `graphic`, `animal print`, ...) have no procedural form and
    /// map to nil.
    package init?(lexiconPattern value: String) {
        switch value {
        case "stripes": self = .stripes
        case "checks": self = .checks
        case "dots": self = .dots
        case "geometric", "colour block": self = .geometric
        case "floral", "paisley": self = .floral
        case "solid", "melange": self = .none
        default: return nil
        }
    }
}
