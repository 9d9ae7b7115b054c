/// One tensor's entry in a safetensors header, validated.
public struct SafetensorsTensorInfo: Equatable, Sendable {
    /// The tensor's name (the header key).
    public var name: String
    /// The element type as stored in the file.
    public var dtype: SafetensorsDType
    /// Extent of each axis, outermost first; `[]` for a scalar.
    public var shape: [Int]
    /// The tensor's bytes, relative to the start of the data region (just after the header).
    public var dataOffsets: Range<Int>

    /// Creates an entry.
    /// - Parameters:
    ///   - name: The tensor's name.
    ///   - dtype: The stored element type.
    ///   - shape: Extent of each axis.
    ///   - dataOffsets: Byte range relative to the start of the data region.
    public init(name: String, dtype: SafetensorsDType, shape: [Int], dataOffsets: Range<Int>) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.dataOffsets = dataOffsets
    }

    /// Number of elements (the product of the shape; 1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
}
