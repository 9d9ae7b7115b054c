/// Words that qualify a colour ("light", "深") without changing its canonical value.
///
/// "light blue" and "浅蓝色" both yield `color=blue` with ``ExtractedAttribute/shade`` `"light"`:
/// trend curves count all blues together, and the shade stays available to whoever needs it.
public struct ShadeModifier: Sendable, Hashable {
    /// The canonical shade: `"light"`, `"dark"` or `"bright"`.
    public var shade: String
    /// English words placed before a colour, joined by a space or a hyphen ("light blue", "light-blue").
    public var english: [String]
    /// Chinese characters placed before a colour ("浅蓝色", "浅蓝").
    public var chinese: [String]

    /// Creates a shade modifier.
    /// - Parameters:
    ///   - shade: The canonical shade.
    ///   - en: English words for it.
    ///   - zh: Chinese prefixes for it.
    public init(_ shade: String, en: [String], zh: [String]) {
        self.shade = shade
        self.english = en
        self.chinese = zh
    }
}
