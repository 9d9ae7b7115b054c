/// Token sequences packed back to back for ``BertEncoder``: no padding is stored or computed.
///
/// Built from variable-length sequences, or from a padded batch with its attention mask, in
/// which case only attended positions are kept, each with its position in the padded row. For
/// the mean-pooled output this is exactly BERT with the mask: a masked position is never a key,
/// and its own output is never pooled.
public struct TokenBatch: Sendable, Equatable {
    /// Every kept token's vocabulary id, sequence after sequence.
    public private(set) var tokenIDs: [Int]
    /// Every kept token's position id (its index in its sequence, or in its padded row).
    public private(set) var positionIDs: [Int]
    /// Number of tokens of each sequence, in order.
    public private(set) var sequenceLengths: [Int]

    /// Number of sequences.
    public var count: Int { sequenceLengths.count }
    /// Number of tokens over all sequences.
    public var tokenCount: Int { tokenIDs.count }

    /// Packs sequences of token ids (each usually `[CLS] ... [SEP]`).
    /// - Parameter sequences: Token ids per sequence; positions count from 0 in each.
    public init(sequences: [[Int]]) {
        tokenIDs = sequences.flatMap { $0 }
        positionIDs = sequences.flatMap { $0.indices }
        sequenceLengths = sequences.map(\.count)
    }

    /// Packs a padded batch, keeping the positions whose mask is `true`.
    /// - Parameters:
    ///   - inputIDs: `[batch][length]` token ids, padded.
    ///   - attentionMask: `[batch][length]`; `true` for real tokens (Hugging Face's 1).
    /// - Throws: ``TextModelError/maskShapeMismatch(row:ids:mask:)`` when a mask row's length
    ///   differs from its ids', or the row counts differ (then `row` is the batch size).
    public init(inputIDs: [[Int]], attentionMask: [[Bool]]) throws(TextModelError) {
        guard inputIDs.count == attentionMask.count else {
            throw .maskShapeMismatch(row: inputIDs.count, ids: inputIDs.count, mask: attentionMask.count)
        }
        tokenIDs = []
        positionIDs = []
        sequenceLengths = []
        for (row, (ids, mask)) in zip(inputIDs, attentionMask).enumerated() {
            guard ids.count == mask.count else { throw .maskShapeMismatch(row: row, ids: ids.count, mask: mask.count) }
            var length = 0
            for (position, (id, attended)) in zip(ids, mask).enumerated() where attended {
                tokenIDs.append(id)
                positionIDs.append(position)
                length += 1
            }
            sequenceLengths.append(length)
        }
    }
}
