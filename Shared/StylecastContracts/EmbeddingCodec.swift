/// The stored form of a sentence embedding, shared by the item embeddings
/// (``StylecastKeys/itemEmbedding(_:)``) and the text-embedding cache
/// (``StylecastKeys/textEmbedding(sha1:)``): the token count as a little-endian `UInt32`, then
/// each value as a little-endian IEEE-754 `Float32`.
public enum EmbeddingCodec {
    /// The bytes of an embedding.
    /// - Parameters:
    ///   - tokenCount: Tokens the encoder read.
    ///   - vector: The values.
    public static func encode(tokenCount: Int, vector: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 + vector.count * 4)
        append(UInt32(truncatingIfNeeded: tokenCount), to: &bytes)
        for value in vector { append(value.bitPattern, to: &bytes) }
        return bytes
    }

    /// The token count and values of stored bytes; `nil` unless they are a count and at least one
    /// whole value.
    public static func decode(_ bytes: [UInt8]) -> (tokenCount: Int, vector: [Float])? {
        guard bytes.count > 4, (bytes.count - 4) % 4 == 0 else { return nil }
        let vector = stride(from: 4, to: bytes.count, by: 4).map { Float(bitPattern: word(bytes, at: $0)) }
        return (Int(word(bytes, at: 0)), vector)
    }

    private static func append(_ word: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
    }

    private static func word(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }
}
