// Brand names that contain attribute words ("Red Tape" shoes are rarely red). They are matched
// like surface forms and yield nothing, so "Red Tape Men Black Shoes" is black, not red.
// Add a brand here when it makes the extractor report an attribute the product does not have.
extension Lexicon {
    /// Brand names of the standard lexicon that contain attribute words.
    public static let brandNames: [String] = [
        "Red Tape", "Red Chief", "Red Rose", "Indigo Nation", "U.S. Polo Assn", "U.S. Polo", "US Polo Assn",
        "US Polo", "Polo Ralph Lauren", "Classic Polo", "Pepe Jeans", "Kraus Jeans", "Ivory Tag", "Black Coffee",
        "Lee Cooper Jeans", "Blue Saint", "Orange County", "Silver Streak",
    ]
}
