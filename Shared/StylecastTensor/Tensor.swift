/// A dense, contiguous, row-major Float32 tensor with a shape.
///
/// Value semantics with copy on write: copies share storage until one of them is mutated.
/// Operations that return a new tensor are named with past participles as in mlx-swift
/// (`reshaped`, `transposed`); shapes are validated with a ``TensorError`` naming the operation
/// and the shapes, never a crash.
public struct Tensor: Sendable {
    /// Extent of each axis, outermost first (e.g. `[batch, channels, height, width]`).
    public private(set) var shape: [Int]
    /// The element memory; `count` elements from `offset`.
    public private(set) var storage: TensorStorage
    /// First element's index in `storage`.
    public private(set) var offset: Int

    /// Number of elements (the product of the shape; 1 for a scalar).
    public var count: Int { shape.reduce(1, *) }
    /// Number of axes.
    public var rank: Int { shape.count }

    /// A tensor of zeros.
    /// - Parameter shape: Extent of each axis; every extent must be at least 0.
    public init(zeros shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in \(shape)")
        self.init(unchecked: shape, storage: TensorStorage(zeros: shape.reduce(1, *)))
    }

    /// A tensor holding `values` in row-major order.
    /// - Throws: ``TensorError/elementCount`` when `values.count` is not the product of `shape`.
    public init(shape: [Int], values: some Collection<Float>) throws(TensorError) {
        let expected = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), values.count == expected else {
            throw .elementCount(operation: "init(shape:values:)", shape: shape, count: values.count)
        }
        self.init(unchecked: shape, storage: TensorStorage(copying: values))
    }

    /// A tensor over existing storage (no copy), e.g. a memory-mapped weight.
    /// - Throws: ``TensorError/elementCount`` when the storage is too small for the shape.
    public init(shape: [Int], storage: TensorStorage, offset: Int = 0) throws(TensorError) {
        let expected = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), offset >= 0, offset + expected <= storage.buffer.count else {
            throw .elementCount(operation: "init(shape:storage:)", shape: shape, count: storage.buffer.count - offset)
        }
        self.init(unchecked: shape, storage: storage, offset: offset)
    }

    /// A tensor over storage known to hold at least the shape's element count from `offset`
    /// (internal fast path).
    init(unchecked shape: [Int], storage: TensorStorage, offset: Int = 0) {
        self.shape = shape
        self.storage = storage
        self.offset = offset
    }

    /// The elements in row-major order.
    public var scalars: [Float] {
        withUnsafeBufferPointer { Array($0) }
    }

    /// Calls `body` with the elements (read-only).
    public func withUnsafeBufferPointer<Result>(
        _ body: (UnsafeBufferPointer<Float>) throws -> Result
    ) rethrows -> Result {
        try body(UnsafeBufferPointer(rebasing: storage.buffer[offset..<(offset + count)]))
    }

    /// Calls `body` with the elements for writing, first copying shared or borrowed storage.
    public mutating func withUnsafeMutableBufferPointer<Result>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> Result
    ) rethrows -> Result {
        if !isKnownUniquelyReferenced(&storage) || storage.isBorrowed {
            storage = withUnsafeBufferPointer { TensorStorage(copying: $0) }
            offset = 0
        }
        return try body(UnsafeMutableBufferPointer(rebasing: storage.buffer[offset..<(offset + count)]))
    }

    /// The same elements with another shape of equal element count (no copy).
    /// - Parameter newShape: The shape; one extent may be -1 to be inferred.
    public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
        var resolved = newShape
        let known = newShape.filter { $0 != -1 }.reduce(1, *)
        if let inferred = newShape.firstIndex(of: -1) {
            guard newShape.filter({ $0 == -1 }).count == 1, known > 0, count % known == 0 else {
                throw .shapeMismatch(operation: "reshaped", shapes: [shape, newShape])
            }
            resolved[inferred] = count / known
        }
        guard resolved.allSatisfy({ $0 >= 0 }), resolved.reduce(1, *) == count else {
            throw .shapeMismatch(operation: "reshaped", shapes: [shape, newShape])
        }
        var copy = self
        copy.shape = resolved
        return copy
    }

    /// The element at a multi-dimensional index (for tests and small lookups).
    public subscript(_ index: Int...) -> Float {
        precondition(index.count == rank, "index \(index) for shape \(shape)")
        var flat = 0
        for (axis, position) in index.enumerated() {
            precondition(position >= 0 && position < shape[axis], "index \(index) out of shape \(shape)")
            flat = flat * shape[axis] + position
        }
        return storage.buffer[offset + flat]
    }
}

/// Why a tensor operation cannot run on its inputs.
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The number of values does not match the shape.
    case elementCount(operation: String, shape: [Int], count: Int)
    /// The shapes of the operands are incompatible.
    case shapeMismatch(operation: String, shapes: [[Int]])
    /// An argument is out of its valid range.
    case invalidArgument(operation: String, reason: String)

    public var description: String {
        switch self {
        case .elementCount(let operation, let shape, let count):
            "\(operation): shape \(shape) needs \(shape.reduce(1, *)) elements, got \(count)"
        case .shapeMismatch(let operation, let shapes):
            "\(operation): incompatible shapes \(shapes.map { "\($0)" }.joined(separator: " and "))"
        case .invalidArgument(let operation, let reason):
            "\(operation): \(reason)"
        }
    }
}
