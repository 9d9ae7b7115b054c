extension Tensor {
    /// Consecutive entries along the first axis, without copying (e.g. a batch of images).
    /// - Parameters:
    ///   - start: First index along axis 0.
    ///   - count: Number of entries to take.
    /// - Returns: A tensor of shape `[count] + shape.dropFirst()` sharing this tensor's storage.
    public func slice(from start: Int, count: Int) throws(TensorError) -> Tensor {
        guard rank >= 1, start >= 0, count >= 0, start + count <= shape[0] else {
            throw .invalidArgument(
                operation: "slice", reason: "rows \(start)..<\(start + count) outside shape \(shape)")
        }
        let rowSize = shape.dropFirst().reduce(1, *)
        return try Tensor(shape: [count] + shape.dropFirst(), storage: storage, offset: offset + start * rowSize)
    }
}
