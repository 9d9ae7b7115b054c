/// What one surface form yields: an attribute and, for colours written with a shade word, the shade.
struct SurfacePayload: Sendable, Hashable {
    var attribute: AttributeValue
    var shade: String?
}

/// The lexicon's surface forms in a trie over folded Unicode scalars.
///
/// Edges live in one flat dictionary keyed by (node, scalar) rather than one dictionary per
/// node: a few thousand forms make tens of thousands of nodes, and one table keeps them compact.
struct SurfaceTrie: Sendable {
    /// (node << 32 | scalar) -> child node.
    private var edges: [UInt64: Int32] = [:]
    /// For each node, the index into `payloads` of the form ending there, or -1.
    private var terminal: [Int32] = [-1]
    /// The payload list of each complete form.
    private(set) var payloads: [[SurfacePayload]] = []

    /// The number of distinct folded forms.
    var formCount: Int { payloads.count }

    @inline(__always)
    private static func key(_ node: Int32, _ scalar: UInt32) -> UInt64 { UInt64(UInt32(bitPattern: node)) << 32 | UInt64(scalar) }

    /// The payload list of `form`, if it is in the trie.
    func payloadIndex(of form: [UInt32]) -> Int? {
        var node: Int32 = 0
        for scalar in form {
            guard let next = edges[Self.key(node, scalar)] else { return nil }
            node = next
        }
        let index = terminal[Int(node)]
        return index >= 0 ? Int(index) : nil
    }

    /// Adds `payload` to `form`'s list (creating the form), unless it is there already.
    mutating func insert(_ form: [UInt32], _ payload: SurfacePayload?) {
        var node: Int32 = 0
        for scalar in form {
            let key = Self.key(node, scalar)
            if let next = edges[key] {
                node = next
            } else {
                let next = Int32(terminal.count)
                terminal.append(-1)
                edges[key] = next
                node = next
            }
        }
        if terminal[Int(node)] < 0 {
            terminal[Int(node)] = Int32(payloads.count)
            payloads.append(payload.map { [$0] } ?? [])
        } else if let payload, !payloads[Int(terminal[Int(node)])].contains(payload) {
            payloads[Int(terminal[Int(node)])].append(payload)
        }
    }

    /// Adds `form` with no payload: a match consumes its text and yields nothing.
    mutating func insertIgnored(_ form: [UInt32]) {
        insert(form, nil)
    }

    /// The longest form starting at `start` that ends on a word boundary, as (end, payload index).
    ///
    /// A form ending in a word scalar (a Latin letter or digit) must not be followed by another
    /// one: "red" does not match inside "redo". Forms ending in CJK or punctuation need no check.
    func longestMatch(in scalars: [UInt32], from start: Int) -> (end: Int, payloadIndex: Int)? {
        var node: Int32 = 0
        var best: (end: Int, payloadIndex: Int)?
        var position = start
        while position < scalars.count, let next = edges[Self.key(node, scalars[position])] {
            node = next
            position += 1
            let index = terminal[Int(node)]
            guard index >= 0 else { continue }
            let endsInsideWord = position < scalars.count && FoldedText.isWordScalar(scalars[position - 1])
                && FoldedText.isWordScalar(scalars[position])
            if !endsInsideWord { best = (position, Int(index)) }
        }
        return best
    }
}
