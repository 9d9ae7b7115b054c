/// Where an extracted attribute comes from; the raw values are the strings of the `origin`
/// field of `stylecast.v1.Attribute`.
public enum AttributeOrigin: String, Sendable, Hashable, CaseIterable {
    /// A surface form of the lexicon occurs in the text (confidence 1).
    case lexicon
    /// Similarity of the text's embedding to an attribute prototype (confidence below 1).
    case zeroShot = "zero-shot"
}
