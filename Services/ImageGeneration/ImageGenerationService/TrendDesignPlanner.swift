/// Plans designs from the attributes that trend-aggregation reports as rising (every riser stage).
///
/// Design `i` takes the `i`-th drawable category (cycling; a seed-chosen class when no rising
/// category is drawable), the `i`-th and next rising colours as base and accent (cycling;
/// ``DesignPlan/defaultPalette`` when none rises) and the `i`-th drawable rising pattern
/// (cycling; none when none rises). Every attribute used is reported with origin `"trend"`.
package enum TrendDesignPlanner {
    /// The plans for `count` designs.
    /// - Parameters:
    ///   - count: Designs wanted.
    ///   - categories: Rising category values, strongest first.
    ///   - colors: Rising colour values, strongest first.
    ///   - patterns: Rising pattern values, strongest first.
    ///   - seed: Chooses the class of designs when no rising category is drawable.
    /// - Throws: ``ImageGenerationError/noRisingAttributes`` when nothing rises at all.
    package static func plans(
        count: Int, categories: [String], colors: [String], patterns: [String], seed: UInt64
    ) throws(ImageGenerationError) -> [DesignPlan] {
        let classes = unique(categories.compactMap { GarmentClass(lexiconCategory: $0) })
        let colorValues = unique(colors.filter { DesignPalette(colorNames: [$0]) != nil })
        let drawablePatterns = unique(patterns.compactMap { DesignPattern(lexiconPattern: $0) }.filter { $0 != .none })
        guard !(classes.isEmpty && colorValues.isEmpty && drawablePatterns.isEmpty) else { throw .noRisingAttributes }
        return (0..<count).map { index in
            let garmentClass = classes.isEmpty ? GarmentClass(seed: seed &+ UInt64(index)) : classes[index % classes.count]
            var attributes = [
                DesignAttribute(kind: "category", value: garmentClass.name, confidence: 1, origin: classes.isEmpty ? "seed" : "trend")
            ]
            var palette = DesignPlan.defaultPalette
            if !colorValues.isEmpty {
                let names = colorValues.count == 1
                    ? [colorValues[0]]
                    : [colorValues[index % colorValues.count], colorValues[(index + 1) % colorValues.count]]
                palette = DesignPalette(colorNames: names) ?? palette
                attributes += names.map { DesignAttribute(kind: "color", value: $0, confidence: 1, origin: "trend") }
            } else {
                attributes.append(DesignAttribute(kind: "color", value: "navy", confidence: 1, origin: "default"))
            }
            var pattern = DesignPattern.none
            if !drawablePatterns.isEmpty {
                pattern = drawablePatterns[index % drawablePatterns.count]
                attributes.append(DesignAttribute(kind: "pattern", value: pattern.rawValue, confidence: 1, origin: "trend"))
            }
            return DesignPlan(garmentClass: garmentClass, palette: palette, pattern: pattern, attributes: attributes)
        }
    }

    private static func unique<Element: Hashable>(_ values: [Element]) -> [Element] {
        var seen = Set<Element>()
        return values.filter { seen.insert($0).inserted }
    }
}
