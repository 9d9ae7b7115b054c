import ImageGenerationService
import StylecastAttributes
import StylecastVision
import Testing

@Suite("Design planning: classes, palettes, patterns, prompts and trends")
struct DesignPlanningTests {
    @Test("every lexicon category maps to at most one class, and the drawable ones are the ones listed")
    func lexiconCategoriesMapToClasses() {
        let categories = Set(Lexicon.standard.values(of: .category))
        var claimed: [String: GarmentClass] = [:]
        for garmentClass in GarmentClass.allCases {
            for category in garmentClass.lexiconCategories {
                #expect(categories.contains(category), "\(category) is not a lexicon category")
                #expect(claimed[category] == nil, "\(category) is claimed twice")
                claimed[category] = garmentClass
            }
        }
        #expect(GarmentClass(lexiconCategory: "jeans") == .trousers)
        #expect(GarmentClass(lexiconCategory: "boots") == .ankleBoot)
        #expect(GarmentClass(lexiconCategory: "hat") == nil)
        #expect(GarmentClass(name: "Ankle boot") == .ankleBoot)
        #expect(GarmentClass(name: "T-shirt/top") == .tShirt)
        #expect(GarmentClass(name: "sneakers") == .sneaker)
        #expect(GarmentClass(seed: 13) == .dress)
        #expect(GarmentClass.allCases.map(\.index) == Array(0..<10))
    }

    @Test("palettes: representative shades, neon and multicolour expand, one colour gets a contrasting accent")
    func palettes() throws {
        let redWhite = try #require(DesignPalette(colorNames: ["red", "white"]))
        #expect(redWhite.hexColors == ["#ed1c24", "#ffffff"])
        let navy = try #require(DesignPalette(colorNames: ["navy"]))
        #expect(navy.hexColors == ["#000080", "#f8f6f0"], "a dark colour gets a near-white accent")
        let yellow = try #require(DesignPalette(colorNames: ["yellow"]))
        #expect(yellow.swatches.last?.name == "contrast")
        #expect(yellow.hexColors.last == "#22222a", "a light colour gets a near-black accent")
        let neon = try #require(DesignPalette(colorNames: ["neon"]))
        #expect(neon.hexColors == ["#39ff14", "#ff10f0", "#1f51ff"])
        let many = try #require(DesignPalette(colorNames: ["black", "multicolour", "red"]))
        #expect(many.swatches.count == DesignPalette.maximumColors)
        #expect(DesignPalette(colorNames: ["not-a-colour"]) == nil)
        #expect(DesignPalette(colorNames: []) == nil)
    }

    @Test("lexicon patterns map to the drawable ones or to nothing")
    func patterns() {
        #expect(DesignPattern(lexiconPattern: "stripes") == .stripes)
        #expect(DesignPattern(lexiconPattern: "paisley") == .floral)
        #expect(DesignPattern(lexiconPattern: "colour block") == .geometric)
        #expect(DesignPattern(lexiconPattern: "solid") == DesignPattern.none)
        #expect(DesignPattern(lexiconPattern: "animal print") == nil)
    }

    /// Prototypes in a toy 10-d space: class k's prompts all embed to the k-th unit vector.
    private func toyPrototypes() throws -> ClassPrototypes {
        var embeddings: [[Float]] = []
        for garmentClass in GarmentClass.allCases {
            for _ in garmentClass.prompts {
                var vector = [Float](repeating: 0, count: 10)
                vector[garmentClass.index] = 1
                embeddings.append(vector)
            }
        }
        return try ClassPrototypes(promptEmbeddings: embeddings)
    }

    @Test("the prompt's category wins; without one the nearest class prompt decides")
    func promptInterpretation() throws {
        let interpreter = PromptInterpreter(prototypes: try toyPrototypes())
        var towardsBag = [Float](repeating: 0, count: 10)
        towardsBag[8] = 0.9
        towardsBag[3] = 0.3
        let named = interpreter.plan(
            attributes: [
                DesignAttribute(kind: "category", value: "hat", confidence: 1, origin: "lexicon"),
                DesignAttribute(kind: "category", value: "skirt", confidence: 1, origin: "lexicon"),
                DesignAttribute(kind: "color", value: "olive", confidence: 1, origin: "lexicon"),
                DesignAttribute(kind: "pattern", value: "graphic", confidence: 1, origin: "lexicon"),
                DesignAttribute(kind: "pattern", value: "dots", confidence: 1, origin: "lexicon"),
            ],
            embedding: towardsBag, risingColors: ["pink"])
        #expect(named.garmentClass == .dress)
        #expect(named.pattern == .dots)
        #expect(named.palette.swatches.first?.name == "olive")
        #expect(named.attributes.map(\.value) == ["dress", "olive", "dots"])

        let unnamed = interpreter.plan(attributes: [], embedding: towardsBag, risingColors: ["pink", "teal", "gold"])
        #expect(unnamed.garmentClass == .bag)
        let category = try #require(unnamed.attributes.first)
        #expect(category.origin == "zero-shot")
        // Softmax over cosines 0.948 (bag) and 0.316 (dress) at temperature 0.05.
        #expect(category.confidence > 0.99 && category.confidence < 1)
        #expect(unnamed.palette.hexColors.prefix(2) == ["#ff69b4", "#008080"], "rising colours when none is asked")
        #expect(unnamed.attributes.filter { $0.origin == "trend" }.map(\.value) == ["pink", "teal"])

        let plain = interpreter.plan(attributes: [], embedding: towardsBag, risingColors: [])
        #expect(plain.palette == DesignPlan.defaultPalette)
        #expect(plain.pattern == DesignPattern.none)
    }

    @Test("trend plans cycle through the rising classes, colours and patterns")
    func trendPlans() throws {
        let plans = try TrendDesignPlanner.plans(
            count: 5, categories: ["hat", "jeans", "dress", "trousers"], colors: ["teal", "neon-ish", "gold"],
            patterns: ["print", "floral", "stripes"], seed: 0)
        #expect(plans.map(\.garmentClass) == [.trousers, .dress, .trousers, .dress, .trousers])
        #expect(plans.map(\.pattern) == [.floral, .stripes, .floral, .stripes, .floral])
        #expect(plans[0].palette.hexColors == ["#008080", "#d4af37"])
        #expect(plans[1].palette.hexColors == ["#d4af37", "#008080"])
        #expect(plans.allSatisfy { $0.attributes.allSatisfy { $0.origin == "trend" } })

        let coloursOnly = try TrendDesignPlanner.plans(count: 3, categories: [], colors: ["red"], patterns: [], seed: 20)
        #expect(coloursOnly.map(\.garmentClass) == [.tShirt, .trousers, .pullover], "classes from seeds 20, 21, 22")
        #expect(throws: ImageGenerationError.noRisingAttributes) {
            try TrendDesignPlanner.plans(count: 2, categories: ["hat"], colors: [], patterns: ["print"], seed: 0)
        }
    }
}
