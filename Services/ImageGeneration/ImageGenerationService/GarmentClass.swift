import Foundation
import StylecastVision

/// The ten garment classes the generator draws (the Fashion-MNIST classes), with the lexicon
/// categories that name each and the English prompts that describe it for zero-shot choice.
package enum GarmentClass: Int, CaseIterable, Sendable {
    case tShirt = 0, trousers, pullover, dress, coat, sandal, shirt, sneaker, bag, ankleBoot

    /// The class index the generator and the classifier use (``GarmentClassifier/classNames``).
    package var index: Int { rawValue }

    /// The name in responses and in `MixStyles.category`, e.g. `"ankle boot"`.
    package var name: String {
        switch self {
        case .tShirt: "t-shirt"
        case .trousers: "trousers"
        case .pullover: "pullover"
        case .dress: "dress"
        case .coat: "coat"
        case .sandal: "sandal"
        case .shirt: "shirt"
        case .sneaker: "sneaker"
        case .bag: "bag"
        case .ankleBoot: "ankle boot"
        }
    }

    /// Lexicon category values (``StylecastAttributes``) drawn as this class. Categories with
    /// no Fashion-MNIST counterpart (belt, hat, scarf, jewellery, ...) map to none, and the
    /// class is then chosen zero-shot.
    package var lexiconCategories: Set<String> {
        switch self {
        case .tShirt: ["t-shirt", "top"]
        case .trousers: ["trousers", "jeans", "track pants", "leggings", "shorts", "tights"]
        case .pullover: ["sweater", "sweatshirt", "hoodie", "cardigan"]
        case .dress: ["dress", "skirt", "jumpsuit", "nightwear", "saree"]
        case .coat: ["coat", "jacket", "blazer", "suit"]
        case .sandal: ["sandals", "flip-flops", "heels"]
        case .shirt: ["shirt", "blouse", "polo", "kurta"]
        case .sneaker: ["sneakers", "shoes", "flats"]
        case .bag: ["bag", "backpack", "wallet"]
        case .ankleBoot: ["boots"]
        }
    }

    /// Sentences whose mean embedding stands for the class in zero-shot choice.
    package var prompts: [String] {
        switch self {
        case .tShirt: ["a t-shirt", "a short-sleeved top", "a casual tee"]
        case .trousers: ["a pair of trousers", "long pants", "jeans"]
        case .pullover: ["a pullover", "a knitted sweater", "a warm jumper with long sleeves"]
        case .dress: ["a dress", "an elegant gown", "a summer dress"]
        case .coat: ["a coat", "a jacket", "outerwear for cold weather"]
        case .sandal: ["a sandal", "open summer shoes with straps", "a high-heeled sandal"]
        case .shirt: ["a shirt", "a button-down shirt with a collar", "a blouse"]
        case .sneaker: ["a sneaker", "a sports shoe", "a trainer for running"]
        case .bag: ["a bag", "a handbag", "a leather purse"]
        case .ankleBoot: ["an ankle boot", "a leather boot", "a winter boot"]
        }
    }

    /// The class of a lexicon category value, if any.
    package init?(lexiconCategory: String) {
        guard let match = Self.allCases.first(where: { $0.lexiconCategories.contains(lexiconCategory) }) else {
            return nil
        }
        self = match
    }

    /// The class named by ``name``, by the classifier's class name (`"Ankle boot"`), or by a
    /// lexicon category it draws; case-insensitive.
    package init?(name: String) {
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
        if let match = Self.allCases.first(where: {
            $0.name == key || GarmentClassifier.classNames[$0.index].lowercased() == key
        }) {
            self = match
        } else {
            self.init(lexiconCategory: key)
        }
    }

    /// The class of a design seeded with `seed` when nothing else chooses it: `seed % 10`.
    package init(seed: UInt64) {
        self = Self(rawValue: Int(seed % UInt64(Self.allCases.count)))!
    }
}
