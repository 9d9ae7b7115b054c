/// Ordinary least squares of a series on its time index 0, 1, 2, ...
enum LinearRegression {
    /// Intercept (value at index 0) and slope per step; slope 0 for fewer than two values.
    static func fit(_ y: [Double]) -> (intercept: Double, slope: Double) {
        let n = Double(y.count)
        guard y.count >= 2 else { return (y.first ?? 0, 0) }
        let meanT = (n - 1) / 2
        var meanY = 0.0
        for v in y { meanY += v }
        meanY /= n
        var sxy = 0.0
        var sxx = 0.0
        for (t, v) in y.enumerated() {
            let dt = Double(t) - meanT
            sxy += dt * (v - meanY)
            sxx += dt * dt
        }
        let slope = sxy / sxx
        return (meanY - slope * meanT, slope)
    }
}
