extension AttributeExtractor {
    /// The trie of `lexicon`'s forms and every problem found while building it.
    ///
    /// Listed forms go in first, then the generated ones (regular plurals, shade + colour);
    /// a generated form never overrides a listed one, so "dark navy" listed under `navy` wins
    /// over "dark" + "navy". Between listed forms, the first value of a kind wins and the
    /// second is reported as a conflict.
    static func compile(_ lexicon: Lexicon) -> (trie: SurfaceTrie, problems: [LexiconError]) {
        var trie = SurfaceTrie()
        var problems: [LexiconError] = []
        // (folded form, kind) -> (value, entry), to detect one form given two values of one
        // kind by two entries. One entry may give two (黑白: black and white).
        var owners: [[UInt32]: [AttributeKind: (value: String, entry: Int)]] = [:]

        func add(
            _ surface: String, _ payloads: [SurfacePayload], entry: LexiconEntry, number: Int, generated: Bool
        ) {
            let form = FoldedText.folded(surface)
            guard !form.isEmpty else {
                problems.append(.emptySurface(kind: entry.kind, value: entry.value))
                return
            }
            if generated, owners[form] != nil { return }
            for payload in payloads {
                let kind = payload.attribute.kind
                if let owner = owners[form]?[kind], owner.entry != number, owner.value != payload.attribute.value {
                    if !generated {
                        let shown = String(String.UnicodeScalarView(form.compactMap(Unicode.Scalar.init)))
                        problems.append(
                            .conflictingSurface(
                                surface: shown, kind: kind, first: owner.value, second: payload.attribute.value))
                    }
                    continue
                }
                if owners[form]?[kind] == nil { owners[form, default: [:]][kind] = (payload.attribute.value, number) }
                trie.insert(form, payload)
            }
        }

        for (number, entry) in lexicon.entries.enumerated() {
            for value in [AttributeValue(entry.kind, entry.value)] + entry.also {
                let folded = String(String.UnicodeScalarView(FoldedText.folded(value.value).compactMap(Unicode.Scalar.init)))
                if value.value.isEmpty || folded != value.value {
                    problems.append(.invalidValue(kind: value.kind, value: value.value))
                }
            }
            let payloads = ([AttributeValue(entry.kind, entry.value)] + entry.also).map {
                SurfacePayload(attribute: $0, shade: nil)
            }
            for surface in entry.english + entry.chinese { add(surface, payloads, entry: entry, number: number, generated: false) }
        }
        for phrase in lexicon.ignoredPhrases {
            let form = FoldedText.folded(phrase)
            if !form.isEmpty, owners[form] == nil { trie.insertIgnored(form) }
        }
        for (number, entry) in lexicon.entries.enumerated() {
            let payloads = ([AttributeValue(entry.kind, entry.value)] + entry.also).map {
                SurfacePayload(attribute: $0, shade: nil)
            }
            if lexicon.pluralizedKinds.contains(entry.kind) {
                for surface in entry.english { add(pluralized(surface), payloads, entry: entry, number: number, generated: true) }
            }
            guard entry.takesShade else { continue }
            for shade in lexicon.shades {
                let shaded = payloads.map { payload in
                    var payload = payload
                    if payload.attribute.kind == .color { payload.shade = shade.shade }
                    return payload
                }
                for word in shade.english {
                    for surface in entry.english {
                        add("\(word) \(surface)", shaded, entry: entry, number: number, generated: true)
                        add("\(word)-\(surface)", shaded, entry: entry, number: number, generated: true)
                    }
                }
                for prefix in shade.chinese {
                    for surface in entry.chinese {
                        add(prefix + surface, shaded, entry: entry, number: number, generated: true)
                        if surface.count >= 2, surface.hasSuffix("色") {
                            add(prefix + surface.dropLast(), shaded, entry: entry, number: number, generated: true)
                        }
                    }
                }
            }
        }
        return (trie, problems)
    }

    /// The regular English plural of a form's last word: +es after s, x, z, ch, sh; else +s.
    static func pluralized(_ surface: String) -> String {
        let lowered = surface.lowercased()
        if ["s", "x", "z", "ch", "sh"].contains(where: lowered.hasSuffix) { return surface + "es" }
        return surface + "s"
    }
}
