/// The memory behind one or more ``Tensor`` values: either allocated by the library or borrowed
/// from an owner that keeps it alive (for example a memory-mapped safetensors file).
///
/// Storage is never mutated once shared: ``Tensor`` copies it before writing when it is not
/// uniquely referenced or is borrowed (copy on write).
public final class TensorStorage: @unchecked Sendable {
    // @unchecked: the buffer is written only through `Tensor`'s mutating API, which first makes
    // the storage unique (isKnownUniquelyReferenced) and owned; shared storage is read-only.

    /// The elements.
    public let buffer: UnsafeMutableBufferPointer<Float>
    /// Keeps borrowed memory alive; `nil` when the buffer was allocated here.
    public let owner: (any Sendable)?

    /// Allocates `count` uninitialised-then-zeroed floats.
    public init(zeros count: Int) {
        buffer = .allocate(capacity: Swift.max(count, 1))
        buffer.initialize(repeating: 0)
        owner = nil
    }

    /// Allocates storage holding a copy of `values`.
    public init(copying values: some Collection<Float>) {
        buffer = .allocate(capacity: Swift.max(values.count, 1))
        _ = buffer.initialize(from: values)
        owner = nil
    }

    /// Takes ownership of memory allocated by the library (freed when this storage is).
    init(allocated buffer: UnsafeMutableBufferPointer<Float>) {
        self.buffer = buffer
        self.owner = nil
    }

    /// Borrows memory that `owner` keeps alive and valid for as long as this storage lives.
    /// - Parameters:
    ///   - buffer: The elements; never freed by this storage.
    ///   - owner: The object responsible for the memory.
    public init(borrowing buffer: UnsafeMutableBufferPointer<Float>, owner: any Sendable) {
        self.buffer = buffer
        self.owner = owner
    }

    /// Whether the memory is borrowed (read-only for tensors).
    public var isBorrowed: Bool { owner != nil }

    deinit {
        if owner == nil { buffer.deallocate() }
    }
}
