/// How one label vocabulary of a data set lines up with the lexicon's canonical values.
///
/// Each label maps to the canonical values that count as correct for it: usually one, a few
/// where the data set's group is cut wider than ours (H&M's "Dark Blue" is navy or blue). A
/// label listed with no values, or not listed, has no canonical counterpart: its items are
/// counted as "unmapped" and left out of precision and recall. These tables align
/// vocabularies only; they never look at the texts.
struct LabelMapping {
    /// The data set and column, e.g. "Myntra baseColour".
    let name: String
    /// The attribute kind the labels are compared with.
    let kind: String
    /// Label -> accepted canonical values (empty = unmapped).
    let table: [String: [String]]

    /// The label column: the last word of ``name``.
    var column: String { String(name.split(separator: " ").last!) }

    /// Whether the column is Myntra's (else H&M's).
    var isMyntra: Bool { name.hasPrefix("Myntra") }

    /// The accepted values of `label`, or `nil` when it is unmapped.
    func accepted(_ label: String) -> Set<String>? {
        guard let values = table[label], !values.isEmpty else { return nil }
        return Set(values)
    }
}

extension LabelMapping {
    /// Myntra `baseColour` -> colour.
    static let myntraColour = LabelMapping(name: "Myntra baseColour", kind: "color", table: [
        "Black": ["black"], "White": ["white"], "Blue": ["blue"], "Brown": ["brown"], "Grey": ["grey"],
        "Red": ["red"], "Green": ["green"], "Pink": ["pink"], "Navy Blue": ["navy"], "Purple": ["purple"],
        "Silver": ["silver"], "Yellow": ["yellow"], "Beige": ["beige"], "Gold": ["gold"], "Maroon": ["maroon"],
        "Orange": ["orange"], "Olive": ["olive"], "Multi": ["multicolour"], "Cream": ["cream"],
        "Steel": ["silver"], "Charcoal": ["grey"], "Peach": ["peach"], "Off White": ["cream"], "Skin": ["beige"],
        "Lavender": ["lavender"], "Grey Melange": ["grey"], "Khaki": ["khaki"], "Magenta": ["magenta"],
        "Teal": ["teal"], "Tan": ["tan"], "Mustard": ["mustard"], "Bronze": ["bronze"], "Copper": ["bronze"],
        "Turquoise Blue": ["turquoise"], "Rust": ["orange"], "Burgundy": ["maroon"], "Coffee Brown": ["brown"],
        "Mauve": ["lavender"], "Rose": ["pink"], "Nude": ["beige"], "Sea Green": ["green"],
        "Mushroom Brown": ["brown"], "Taupe": ["beige"], "Lime Green": ["green"],
        "Fluorescent Green": ["neon", "green"],
        "Metallic": [], "NA": [],
    ])

    /// H&M `colour_group_name` -> colour. H&M's light/dark groups accept the neighbouring
    /// canonical value where our vocabulary splits the group (Dark Blue: navy or blue).
    static let hmColour = LabelMapping(name: "H&M colour_group_name", kind: "color", table: [
        "Black": ["black"], "White": ["white"], "Dark Blue": ["navy", "blue"], "Beige": ["beige"],
        "Light Beige": ["beige", "cream"], "Light Pink": ["pink"], "Blue": ["blue"], "Grey": ["grey"],
        "Off White": ["cream", "white"], "Dark Grey": ["grey"], "Light Blue": ["blue"],
        "Greenish Khaki": ["khaki", "olive"], "Gold": ["gold"], "Pink": ["pink"],
        "Yellowish Brown": ["brown", "mustard", "tan"], "Dark Green": ["green", "olive"], "Light Grey": ["grey"],
        "Light Orange": ["orange", "peach"], "Dark Red": ["red", "maroon"], "Dark Beige": ["beige", "tan"],
        "Yellow": ["yellow"], "Green": ["green"], "Red": ["red"], "Dark Orange": ["orange"], "Silver": ["silver"],
        "Orange": ["orange"], "Light Purple": ["lavender", "purple"], "Dark Pink": ["pink", "magenta"],
        "Light Yellow": ["yellow"], "Light Turquoise": ["turquoise"], "Light Green": ["green"],
        "Greyish Beige": ["beige", "grey"], "Dark Yellow": ["yellow", "mustard"], "Purple": ["purple"],
        "Dark Purple": ["purple"], "Turquoise": ["turquoise"], "Other Pink": ["pink", "magenta"],
        "Dark Turquoise": ["turquoise", "teal"], "Other Yellow": ["yellow", "mustard"], "Other Orange": ["orange", "peach"],
        "Other Green": ["green", "olive"], "Other Purple": ["purple", "lavender"], "Light Red": ["red"],
        "Other Red": ["red", "maroon"], "Bronze/Copper": ["bronze"], "Other Blue": ["blue", "teal"],
        "Other": [], "Transparent": [],
    ])

    /// H&M `graphical_appearance_name` -> pattern. Labels that are materials or finishes in our
    /// lexicon (Denim, Lace, Mesh, Chambray, Treatment, ...) are unmapped.
    static let hmPattern = LabelMapping(name: "H&M graphical_appearance_name", kind: "pattern", table: [
        "Solid": ["solid"],
        "All over pattern": ["print", "floral", "geometric", "animal print", "camouflage", "paisley"],
        "Melange": ["melange"], "Stripe": ["stripes"], "Check": ["checks"], "Dot": ["dots"],
        "Placement print": ["graphic", "print"], "Front print": ["graphic", "print"],
        "Embroidery": ["embroidery"], "Colour blocking": ["colour block"], "Jacquard": ["jacquard"],
        "Glittering/Metallic": ["glitter"], "Metallic": ["glitter"], "Sequin": ["glitter"], "Hologram": ["glitter"],
        "Denim": [], "Other structure": [], "Lace": [], "Application/3D": [], "Mixed solid/pattern": [],
        "Contrast": [], "Treatment": [], "Other pattern": [], "Mesh": [], "Chambray": [], "Transparent": [],
        "Slub": [], "Neps": [],
    ])

    /// Myntra `articleType` -> category. Myntra files polo shirts under "Tshirts", so both
    /// count there. Beauty products, gift sets and sports equipment are
    /// unmapped: the lexicon describes garments and fashion accessories.
    static let myntraCategory = LabelMapping(name: "Myntra articleType", kind: "category", table: [
        "Tshirts": ["t-shirt", "polo"], "Lounge Tshirts": ["t-shirt"], "Shirts": ["shirt"], "Tops": ["top"],
        "Tunics": ["top"], "Camisoles": ["top"], "Innerwear Vests": ["top", "underwear"],
        "Sweatshirts": ["sweatshirt"], "Sweaters": ["sweater"], "Shrug": ["cardigan"],
        "Jackets": ["jacket"], "Rain Jacket": ["jacket"], "Nehru Jackets": ["jacket"], "Blazers": ["blazer"],
        "Waistcoat": ["waistcoat"], "Suits": ["suit"],
        "Dresses": ["dress"], "Skirts": ["skirt"], "Jumpsuit": ["jumpsuit"], "Rompers": ["jumpsuit"],
        "Jeans": ["jeans"], "Trousers": ["trousers"], "Lounge Pants": ["trousers"], "Capris": ["trousers"],
        "Rain Trousers": ["trousers"], "Track Pants": ["track pants"], "Shorts": ["shorts"],
        "Lounge Shorts": ["shorts"], "Leggings": ["leggings"], "Jeggings": ["leggings"], "Tights": ["tights"],
        "Stockings": ["tights"], "Tracksuits": ["tracksuit"], "Swimwear": ["swimwear"],
        "Kurtas": ["kurta"], "Kurtis": ["kurta"], "Kurta Sets": ["kurta"], "Sarees": ["saree"],
        "Casual Shoes": ["shoes"], "Formal Shoes": ["shoes"], "Sports Shoes": ["sneakers"], "Heels": ["heels"],
        "Flats": ["flats"], "Sandals": ["sandals"], "Sports Sandals": ["sandals"], "Flip Flops": ["flip-flops"],
        "Booties": ["boots"],
        "Handbags": ["bag"], "Clutches": ["bag"], "Duffel Bag": ["bag"], "Laptop Bag": ["bag"],
        "Messenger Bag": ["bag"], "Mobile Pouch": ["bag"], "Waist Pouch": ["bag"], "Backpacks": ["backpack"],
        "Rucksacks": ["backpack"], "Wallets": ["wallet"], "Belts": ["belt"], "Watches": ["watch"],
        "Sunglasses": ["sunglasses"], "Caps": ["hat"], "Hat": ["hat"], "Scarves": ["scarf"], "Stoles": ["scarf"],
        "Mufflers": ["scarf"], "Dupatta": ["scarf"], "Socks": ["socks"], "Ties": ["tie"], "Gloves": ["gloves"],
        "Earrings": ["jewellery"], "Pendant": ["jewellery"], "Necklace and Chains": ["jewellery"],
        "Ring": ["jewellery"], "Bangle": ["jewellery"], "Bracelet": ["jewellery"], "Jewellery Set": ["jewellery"],
        "Briefs": ["underwear"], "Trunk": ["underwear"], "Boxers": ["underwear"], "Bra": ["bra"],
        "Nightdress": ["nightwear"], "Night suits": ["nightwear"], "Baby Dolls": ["nightwear"],
        "Bath Robe": ["nightwear"], "Robe": ["nightwear"],
    ])

    /// Every mapping the evaluation uses, in report order.
    static let all: [LabelMapping] = [myntraColour, hmColour, hmPattern, myntraCategory]
}
