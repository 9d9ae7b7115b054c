/// Classical seasonal decomposition by moving averages, and the autocorrelation test for seasonality.
enum SeasonalDecomposition {
    /// How the seasonal component combines with the rest.
    enum Kind {
        case additive
        case multiplicative
    }

    /// Seasonal indices for positions `t % m` of `y`: the mean detrended value per position,
    /// detrended by a centred moving average of order m (2 x m when m is even), normalised
    /// to mean 0 (additive) or 1 (multiplicative). `nil` when there are not two full seasons,
    /// or the trend is not positive under multiplicative decomposition.
    static func indices(_ y: [Double], seasonLength m: Int, kind: Kind) -> [Double]? {
        let n = y.count
        guard m >= 2, n >= 2 * m else { return nil }
        let half = m / 2
        var sums = [Double](repeating: 0, count: m)
        var counts = [Int](repeating: 0, count: m)
        // A running window sum keeps this O(n) for long seasons.
        var window = 0.0
        for t in 0..<m { window += y[t] }
        for t in half..<(n - half) {
            // Window of m values starting at t - half: y[t-half ..< t-half+m].
            let first = t - half
            if first > 0 { window += y[first + m - 1] - y[first - 1] }
            let trend: Double
            if m % 2 == 0 {
                guard t + half < n else { break }
                // 2 x m average: the m-window from t-half plus the one shifted by one, halved.
                trend = (window + window - y[first] + y[t + half]) / Double(2 * m)
            } else {
                trend = window / Double(m)
            }
            let detrended: Double
            switch kind {
            case .additive: detrended = y[t] - trend
            case .multiplicative:
                guard trend > 0 else { return nil }
                detrended = y[t] / trend
            }
            sums[t % m] += detrended
            counts[t % m] += 1
        }
        guard !counts.contains(0) else { return nil }
        var indices = (0..<m).map { sums[$0] / Double(counts[$0]) }
        let mean = indices.reduce(0, +) / Double(m)
        switch kind {
        case .additive: indices = indices.map { $0 - mean }
        case .multiplicative:
            guard mean > 0 else { return nil }
            indices = indices.map { $0 / mean }
            if indices.contains(where: { $0 <= 0 }) { return nil }
        }
        return indices
    }

    /// The test used by Theta implementations (Hyndman's `thetaf`, statsforecast): seasonal when
    /// |r_m| > 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n), r_k the lag-k autocorrelation (90% level).
    static func isSeasonal(_ y: [Double], seasonLength m: Int) -> Bool {
        let n = y.count
        guard m >= 2, n >= 2 * m else { return false }
        let mean = y.reduce(0, +) / Double(n)
        var denominator = 0.0
        for v in y { denominator += (v - mean) * (v - mean) }
        guard denominator > 0 else { return false }
        var sumSquares = 0.0
        var rm = 0.0
        for k in 1...m {
            var s = 0.0
            for t in k..<n { s += (y[t] - mean) * (y[t - k] - mean) }
            let r = s / denominator
            if k < m { sumSquares += r * r } else { rm = r }
        }
        let limit = 1.6448536269514722 * ((1 + 2 * sumSquares) / Double(n)).squareRoot()
        return abs(rm) > limit
    }
}
