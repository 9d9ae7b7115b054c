/// Micro-averaged counts of one kind against one label column.
struct Score {
    var labelled = 0
    var unmapped = 0
    var predictions = 0
    var correctPredictions = 0
    var itemsCorrect = 0
    var itemsCovered = 0
    var firstCorrect = 0
    var unmappedLabels: [String: Int] = [:]

    /// Adds one item: `predicted` are the distinct values of the kind, in text order.
    mutating func add(label: String, accepted: Set<String>?, predicted: [String]) {
        guard let accepted else {
            unmapped += 1
            unmappedLabels[label, default: 0] += 1
            return
        }
        labelled += 1
        predictions += predicted.count
        let correct = predicted.filter(accepted.contains).count
        correctPredictions += correct
        if correct > 0 { itemsCorrect += 1 }
        if let first = predicted.first {
            itemsCovered += 1
            if accepted.contains(first) { firstCorrect += 1 }
        }
    }

    private func ratio(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : String(format3(Double(a) / Double(b))) }
    var precision: String { ratio(correctPredictions, predictions) }
    var recall: String { ratio(itemsCorrect, labelled) }
    var coverage: String { ratio(itemsCovered, labelled) }
    var firstPrecision: String { ratio(firstCorrect, itemsCovered) }
}

/// `value` with three decimals.
func format3(_ value: Double) -> String {
    let scaled = Int((value * 1000).rounded())
    let fraction = String(scaled % 1000)
    return "\(scaled / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
}
