/// Training sales curves indexed by release day, for the mean curve of the products launched
/// within a few days of a given date.
struct ReleaseCohorts: Sendable {
    /// Release days, ascending, and the curves in the same order.
    private let days: [Int]
    private let curves: [[Double]]
    private let fallback: [Double]
    private let halfWidth: Int

    /// - Parameters:
    ///   - days: Release day of each training product.
    ///   - curves: Sales curve of each, all the same length.
    ///   - halfWidth: Days either side that count as the same launch.
    ///   - fallback: The curve returned when no product is in the window (the global mean).
    init(days: [Int], curves: [[Double]], halfWidth: Int, fallback: [Double]) {
        let order = days.indices.sorted { (days[$0], $0) < (days[$1], $1) }
        self.days = order.map { days[$0] }
        self.curves = order.map { curves[$0] }
        self.halfWidth = halfWidth
        self.fallback = fallback
    }

    /// The mean curve of the products released within `halfWidth` days of `day`; `excluding` is
    /// one curve to leave out (a training product's own), so that its feature is honest.
    func meanCurve(around day: Int, excluding: [Double]? = nil) -> [Double] {
        var start = lowerBound(day - halfWidth)
        let end = lowerBound(day + halfWidth + 1)
        var sum = [Double](repeating: 0, count: fallback.count)
        var count = 0
        while start < end {
            for k in sum.indices { sum[k] += curves[start][k] }
            count += 1
            start += 1
        }
        if let excluding, count > 0 {
            for k in sum.indices { sum[k] -= excluding[k] }
            count -= 1
        }
        guard count > 0 else { return fallback }
        return sum.map { $0 / Double(count) }
    }

    private func lowerBound(_ day: Int) -> Int {
        var low = 0
        var high = days.count
        while low < high {
            let mid = (low + high) / 2
            if days[mid] < day { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
