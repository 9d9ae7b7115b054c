/// A height and width pair for kernel sizes, strides, padding and dilation.
///
/// An integer literal means the same value on both axes (`stride: 2`), as PyTorch accepts an
/// `int` where it takes a pair.
public struct Size2D: Sendable, Hashable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The extent along the height (row) axis.
    public var height: Int
    /// The extent along the width (column) axis.
    public var width: Int

    /// A pair with separate values per axis.
    /// - Parameters:
    ///   - height: The value along the height (row) axis.
    ///   - width: The value along the width (column) axis.
    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    /// The same value on both axes.
    /// - Parameter value: The value for height and width.
    public init(integerLiteral value: Int) {
        self.init(value, value)
    }

    /// `(height, width)`, as used in error messages.
    public var description: String { "(\(height), \(width))" }
}
