/// Which categories complete an outfit built around an item of a given category.
///
/// Categories are the canonical values ingest writes (the attribute lexicon's, e.g. `skirt`,
/// `t-shirt`, `sneakers`). Groups: tops, bottoms, one-piece, outerwear, footwear, bags and
/// accessories. Rules: a top goes with bottoms, outerwear and footwear; a bottom with tops,
/// outerwear and footwear; a dress or jumpsuit with footwear, bags, outerwear and accessories;
/// outerwear with tops, bottoms and one-piece; footwear with bottoms and one-piece; a bag or an
/// accessory with one-piece and tops. A category outside the table is completed by any other
/// category.
package enum ComplementTable {
    static let tops: Set<String> = [
        "top", "t-shirt", "shirt", "blouse", "polo", "sweater", "cardigan", "sweatshirt", "hoodie", "kurta",
    ]
    static let bottoms: Set<String> = ["trousers", "jeans", "shorts", "skirt", "leggings", "track pants"]
    static let onePiece: Set<String> = ["dress", "jumpsuit", "saree"]
    static let outerwear: Set<String> = ["jacket", "coat", "blazer", "waistcoat"]
    static let footwear: Set<String> = ["shoes", "boots", "sneakers", "sandals", "heels", "flats", "flip-flops"]
    static let bags: Set<String> = ["bag", "backpack", "wallet"]
    static let accessories: Set<String> = [
        "belt", "scarf", "hat", "gloves", "jewellery", "sunglasses", "watch", "tie",
    ]

    /// The complementary categories of `category`, empty when the category is not in the table
    /// (then any other category completes it).
    /// - Parameter category: A canonical category.
    package static func complements(of category: String) -> Set<String> {
        if tops.contains(category) { return bottoms.union(outerwear).union(footwear) }
        if bottoms.contains(category) { return tops.union(outerwear).union(footwear) }
        if onePiece.contains(category) { return footwear.union(bags).union(outerwear).union(accessories) }
        if outerwear.contains(category) { return tops.union(bottoms).union(onePiece) }
        if footwear.contains(category) { return bottoms.union(onePiece) }
        if bags.contains(category) || accessories.contains(category) { return onePiece.union(tops) }
        return []
    }
}
