/// Derivative-free minimisation by the Nelder-Mead simplex method, restarted from its best point.
///
/// The ETS and Theta fitters map bounded parameters to an unconstrained space (logistic
/// transforms), so the simplex itself needs no bounds. A restart rebuilds a fresh simplex
/// around the best point, which rescues the collapsed simplices plain Nelder-Mead is known for.
struct NelderMead {
    /// Evaluations allowed across all runs.
    var maximumEvaluations = 2_000
    /// A run ends when the simplex's values span less than this, relative to the best value.
    var relativeTolerance = 1e-9
    /// Extra runs from the best point after the first converges.
    var restarts = 2

    /// The minimiser found and its value.
    struct Result {
        var point: [Double]
        var value: Double
        var evaluations: Int
    }

    /// Minimises `objective` starting at `start`, with initial simplex edges `steps`.
    /// - Parameters:
    ///   - start: The first guess.
    ///   - steps: Initial simplex edge per coordinate.
    ///   - objective: The function to minimise; non-finite values count as +infinity.
    func minimize(start: [Double], steps: [Double], _ objective: ([Double]) -> Double) -> Result {
        var evaluations = 0
        func f(_ x: [Double]) -> Double {
            evaluations += 1
            let value = objective(x)
            return value.isNaN ? .infinity : value
        }
        var best = start
        var bestValue = f(start)
        let perRun = max(50, maximumEvaluations / (restarts + 1))
        for run in 0...restarts {
            let budget = min(perRun, maximumEvaluations - evaluations)
            if budget <= start.count + 1 { break }
            let previous = bestValue
            let stepScale = run == 0 ? 1.0 : 0.5
            (best, bestValue) = simplexRun(
                from: best, value: bestValue, steps: steps.map { $0 * stepScale }, budget: budget, f)
            if run > 0 && previous - bestValue <= relativeTolerance * (abs(previous) + 1e-12) { break }
        }
        return Result(point: best, value: bestValue, evaluations: evaluations)
    }

    private func simplexRun(
        from start: [Double], value startValue: Double, steps: [Double], budget: Int,
        _ f: ([Double]) -> Double
    ) -> ([Double], Double) {
        let d = start.count
        var points = [start]
        var values = [startValue]
        for i in 0..<d {
            var p = start
            p[i] += steps[i]
            points.append(p)
            values.append(f(p))
        }
        var used = d
        var centroid = [Double](repeating: 0, count: d)
        func along(_ t: Double, _ worst: [Double]) -> [Double] {
            var p = centroid
            for i in 0..<d { p[i] = centroid[i] + t * (worst[i] - centroid[i]) }
            return p
        }
        while used < budget {
            let order = values.indices.sorted { values[$0] < values[$1] }
            points = order.map { points[$0] }
            values = order.map { values[$0] }
            let spread = values[d] - values[0]
            if values[0].isFinite && spread <= relativeTolerance * (abs(values[0]) + 1e-12) { break }
            for i in 0..<d {
                var sum = 0.0
                for j in 0..<d { sum += points[j][i] }
                centroid[i] = sum / Double(d)
            }
            let worst = points[d]
            let reflected = along(-1, worst)
            let reflectedValue = f(reflected)
            used += 1
            if reflectedValue < values[0] {
                let expanded = along(-2, worst)
                let expandedValue = f(expanded)
                used += 1
                if expandedValue < reflectedValue {
                    points[d] = expanded
                    values[d] = expandedValue
                } else {
                    points[d] = reflected
                    values[d] = reflectedValue
                }
            } else if reflectedValue < values[d - 1] {
                points[d] = reflected
                values[d] = reflectedValue
            } else {
                let outside = reflectedValue < values[d]
                let contracted = along(outside ? -0.5 : 0.5, worst)
                let contractedValue = f(contracted)
                used += 1
                if contractedValue < min(reflectedValue, values[d]) {
                    points[d] = contracted
                    values[d] = contractedValue
                } else {
                    for j in 1...d {
                        for i in 0..<d { points[j][i] = points[0][i] + 0.5 * (points[j][i] - points[0][i]) }
                        values[j] = f(points[j])
                    }
                    used += d
                }
            }
        }
        let bestIndex = values.indices.min { values[$0] < values[$1] }!
        return (points[bestIndex], values[bestIndex])
    }
}
