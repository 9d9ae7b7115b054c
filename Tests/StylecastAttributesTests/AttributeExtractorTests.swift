import StylecastAttributes
import Testing

/// The (kind, value) pairs extracted from `text` by the standard extractor, in order.
private func attributes(_ text: String) -> [String] {
    AttributeExtractor.standard.extract(text).map { "\($0.kind.rawValue)=\($0.value)" }
}

@Suite("Attribute extraction")
struct AttributeExtractorTests {
    @Test(
        "Chinese terms of the issue map to their canonical values",
        arguments: [
            ("荧光色", "color=neon"), ("几何图案", "pattern=geometric"), ("牛仔", "material=denim"),
            ("条纹", "pattern=stripes"), ("格子", "pattern=checks"), ("波点", "pattern=dots"), ("圆点", "pattern=dots"),
            ("碎花", "pattern=floral"), ("花卉", "pattern=floral"), ("黑色", "color=black"), ("连衣裙", "category=dress"),
            ("半身裙", "category=skirt"), ("衬衫", "category=shirt"), ("T恤", "category=t-shirt"),
            ("外套", "category=jacket"), ("运动鞋", "category=sneakers"), ("未来感", "style=futuristic"),
            ("复古", "style=vintage"), ("宽松", "silhouette=oversized"), ("修身", "silhouette=slim"),
            ("丝绸", "material=silk"), ("真丝", "material=silk"), ("皮革", "material=leather"),
        ])
    func chineseTerms(text: String, expected: String) {
        #expect(attributes(text).first == expected)
    }

    @Test("The issue's English sentence yields futuristic, neon and geometric")
    func englishSentence() {
        #expect(
            attributes("futuristic design, bright neon colours, intricate geometric patterns")
                == ["style=futuristic", "color=neon", "pattern=geometric"])
    }

    @Test("The issue's Chinese sentence yields futuristic, neon and geometric")
    func chineseSentence() {
        #expect(attributes("未来感十足的设计，鲜艳的荧光色，复杂的几何图案") == ["style=futuristic", "color=neon", "pattern=geometric"])
    }

    @Test("The longest form wins: navy blue is navy, 牛仔裤 is jeans made of denim")
    func longestMatch() {
        #expect(attributes("Navy Blue shirt") == ["color=navy", "category=shirt"])
        #expect(attributes("黑色牛仔裤") == ["color=black", "category=jeans", "material=denim"])
        #expect(attributes("a shirt dress") == ["category=dress"])
    }

    @Test("A shade word keeps the base colour and records the shade")
    func shades() throws {
        let light = try #require(AttributeExtractor.standard.extract("light blue jeans").first)
        #expect(light.value == "blue" && light.shade == "light" && light.surface == "light blue")
        let dark = try #require(AttributeExtractor.standard.extract("深蓝色衬衫").first)
        #expect(dark.value == "blue" && dark.shade == "dark" && dark.surface == "深蓝色")
        #expect(AttributeExtractor.standard.extract("blue").first?.shade == nil)
    }

    @Test("Latin forms match whole words only", arguments: ["redo", "credit", "Fred", "tanned", "blueprint", "shorten"])
    func wordBoundaries(text: String) {
        #expect(attributes(text).isEmpty)
    }

    @Test("Chinese matches never overlap and are read left to right")
    func noOverlaps() {
        let found = AttributeExtractor.standard.extract("浅蓝色条纹衬衫裙")
        #expect(found.map(\.surface) == ["浅蓝色", "条纹", "衬衫裙"])
        for (a, b) in zip(found, found.dropFirst()) { #expect(a.characterRange.upperBound <= b.characterRange.lowerBound) }
    }

    @Test("Mixed English and Chinese text, positions in characters of the original")
    func mixedText() throws {
        let text = "Ｏversized 白色T恤 with floral print, 100% cotton"
        #expect(
            attributes(text) == [
                "silhouette=oversized", "color=white", "category=t-shirt", "pattern=floral", "pattern=print",
                "material=cotton",
            ])
        let tee = try #require(AttributeExtractor.standard.extract(text).first { $0.value == "t-shirt" })
        #expect(tee.surface == "T恤" && tee.characterRange == 12..<14)
        #expect(String(text[tee.range]) == "T恤")
    }

    @Test("Negation right before a form drops it")
    func negation() {
        #expect(attributes("not black, but white") == ["color=white"])
        #expect(attributes("dress without lace") == ["category=dress"])
        #expect(attributes("不是黑色，是白色") == ["color=white"])
    }

    @Test("Each (kind, value) is reported once, at its first occurrence")
    func deduplication() {
        let found = AttributeExtractor.standard.extract("Black top, black trousers, 黑色 dress")
        #expect(found.filter { $0.value == "black" }.map(\.characterRange) == [0..<5])
    }

    @Test("Empty and attribute-free text yield nothing")
    func emptyText() {
        #expect(attributes("").isEmpty)
        #expect(attributes("   \n ").isEmpty)
        #expect(attributes("delivered in three days").isEmpty)
    }

    @Test("Plurals of categories and patterns match: dresses, stripes, sports shoes")
    func plurals() {
        #expect(attributes("dresses with stripes") == ["category=dress", "pattern=stripes"])
        #expect(attributes("Nike Men Black Sports Shoes") == ["color=black", "category=sneakers", "style=sporty"])
    }

    @Test("Every result carries confidence 1 and the lexicon origin")
    func confidenceAndOrigin() {
        for attribute in AttributeExtractor.standard.extract("red silk slip dress, vintage") {
            #expect(attribute.confidence == 1 && attribute.origin == .lexicon)
        }
    }
}
