import Foundation

/// The ten garment classes as points in the sentence-embedding space: each is the normalised
/// mean of its ``GarmentClass/prompts``' embeddings.
package struct ClassPrototypes: Sendable {
    /// Every class prompt, class by class in ``GarmentClass`` order: embed these, in this
    /// order, for ``init(promptEmbeddings:)``.
    package static let allPrompts: [String] = GarmentClass.allCases.flatMap(\.prompts)

    /// The softmax temperature that turns cosines into the reported confidence.
    package static let temperature: Float = 0.05

    private let prototypes: [[Float]]

    /// Builds the prototypes.
    /// - Parameter promptEmbeddings: One embedding per entry of ``allPrompts``, in order.
    /// - Throws: ``ImageGenerationError/upstreamAnswer(service:problem:)`` when the count or
    ///   the dimensions do not fit.
    package init(promptEmbeddings: [[Float]]) throws(ImageGenerationError) {
        guard promptEmbeddings.count == Self.allPrompts.count, let dimension = promptEmbeddings.first?.count,
            dimension > 0, promptEmbeddings.allSatisfy({ $0.count == dimension })
        else {
            throw .upstreamAnswer(
                service: "text-embedding",
                problem: "expected \(Self.allPrompts.count) embeddings of one dimension for the class prompts")
        }
        var prototypes: [[Float]] = []
        var next = 0
        for garmentClass in GarmentClass.allCases {
            var mean = [Float](repeating: 0, count: dimension)
            for embedding in promptEmbeddings[next..<(next + garmentClass.prompts.count)] {
                for index in 0..<dimension { mean[index] += embedding[index] }
            }
            next += garmentClass.prompts.count
            prototypes.append(Self.normalised(mean))
        }
        self.prototypes = prototypes
    }

    /// The class nearest to a prompt's embedding by cosine, with the softmax (temperature
    /// ``temperature``) of the cosines as its confidence.
    /// - Parameter embedding: The prompt's embedding, any length equal to the prototypes'.
    package func nearestClass(to embedding: [Float]) -> (garmentClass: GarmentClass, confidence: Float) {
        let query = Self.normalised(embedding)
        let cosines = prototypes.map { prototype in
            zip(prototype, query).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        }
        let best = cosines.indices.max { cosines[$0] < cosines[$1] } ?? 0
        let exponentials = cosines.map { Foundation.exp(($0 - cosines[best]) / Self.temperature) }
        let confidence = 1 / exponentials.reduce(0, +)
        return (GarmentClass(rawValue: best)!, confidence)
    }

    private static func normalised(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}

/// Turns what text-embedding understood of a prompt into a ``DesignPlan``.
///
/// - Class: the first category attribute that names a drawable class (``GarmentClass``),
///   else the class prompt nearest to the prompt's embedding (zero-shot).
/// - Colours: the prompt's colour attributes in order; when it names none, the rising colours
///   of trend-aggregation; when there are none either, ``DesignPlan/defaultPalette``.
/// - Pattern: the first pattern attribute with a procedural form (``DesignPattern``), else none.
package struct PromptInterpreter: Sendable {
    private let prototypes: ClassPrototypes

    /// - Parameter prototypes: The class prototypes in the embedder's space.
    package init(prototypes: ClassPrototypes) {
        self.prototypes = prototypes
    }

    /// The plan for one prompt.
    /// - Parameters:
    ///   - attributes: The prompt's attributes from `ExtractAttributes`.
    ///   - embedding: The prompt's embedding from `Embed`.
    ///   - risingColors: Rising colour values from trend-aggregation, strongest first; used only
    ///     when the prompt names no colour.
    package func plan(attributes: [DesignAttribute], embedding: [Float], risingColors: [String]) -> DesignPlan {
        var used: [DesignAttribute] = []
        let garmentClass: GarmentClass
        if let named = attributes.first(where: { $0.kind == "category" && GarmentClass(lexiconCategory: $0.value) != nil }),
            let drawable = GarmentClass(lexiconCategory: named.value)
        {
            garmentClass = drawable
            used.append(DesignAttribute(kind: "category", value: drawable.name, confidence: named.confidence, origin: named.origin))
        } else {
            let nearest = prototypes.nearestClass(to: embedding)
            garmentClass = nearest.garmentClass
            used.append(
                DesignAttribute(kind: "category", value: nearest.garmentClass.name, confidence: nearest.confidence, origin: "zero-shot"))
        }

        let askedColors = attributes.filter { $0.kind == "color" }
        let palette: DesignPalette
        if let asked = DesignPalette(colorNames: askedColors.map(\.value)) {
            palette = asked
            used += askedColors.filter { asked.swatches.map(\.name).contains($0.value) }
        } else if let rising = DesignPalette(colorNames: Array(risingColors.prefix(2))) {
            palette = rising
            used += Set(rising.swatches.map(\.name)).subtracting(["contrast"]).sorted().map {
                DesignAttribute(kind: "color", value: $0, confidence: 1, origin: "trend")
            }
        } else {
            palette = DesignPlan.defaultPalette
            used.append(DesignAttribute(kind: "color", value: "navy", confidence: 1, origin: "default"))
        }

        var pattern = DesignPattern.none
        if let named = attributes.first(where: { $0.kind == "pattern" && DesignPattern(lexiconPattern: $0.value) != nil }) {
            pattern = DesignPattern(lexiconPattern: named.value) ?? .none
            used.append(DesignAttribute(kind: "pattern", value: pattern.rawValue, confidence: named.confidence, origin: named.origin))
        }
        return DesignPlan(garmentClass: garmentClass, palette: palette, pattern: pattern, attributes: used)
    }
}
