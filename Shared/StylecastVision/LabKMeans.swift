import StylecastTensor

/// k-means in CIELAB: k-means++ seeding from a ``SplitMix64`` with a fixed seed, Lloyd
/// iterations, and merging of clusters whose centres are perceptually the same colour.
struct LabKMeans {
    /// A cluster: the mean of its points and how many there are.
    struct Cluster: Equatable {
        var centre: LabColor
        var count: Int
    }

    /// Seed of the k-means++ draws.
    var seed: UInt64
    /// Lloyd iterations at most (the first assigns every point).
    var maxIterations: Int

    /// Clusters `points` into at most `k` non-empty clusters. Fewer come back when the points
    /// hold fewer than `k` distinct colours.
    /// - Parameters:
    ///   - points: At least one point.
    ///   - k: At least 1.
    func clusters(of points: [LabColor], k: Int) -> [Cluster] {
        precondition(!points.isEmpty && k >= 1)
        var centres = seeds(from: points, k: k)
        var assignment = [Int](repeating: -1, count: points.count)
        var counts = [Int](repeating: 0, count: centres.count)
        for _ in 0..<maxIterations {
            var changed = false
            for (index, point) in points.enumerated() {
                let nearest = Self.nearest(to: point, among: centres)
                if nearest != assignment[index] {
                    assignment[index] = nearest
                    changed = true
                }
            }
            if !changed { break }
            var sums = [(l: Double, a: Double, b: Double)](repeating: (0, 0, 0), count: centres.count)
            counts = [Int](repeating: 0, count: centres.count)
            for (index, point) in points.enumerated() {
                let cluster = assignment[index]
                sums[cluster].l += point.l
                sums[cluster].a += point.a
                sums[cluster].b += point.b
                counts[cluster] += 1
            }
            // A centre that lost all its points keeps its place; it is dropped below if it
            // stays empty.
            for cluster in centres.indices where counts[cluster] > 0 {
                let n = Double(counts[cluster])
                centres[cluster] = LabColor(l: sums[cluster].l / n, a: sums[cluster].a / n, b: sums[cluster].b / n)
            }
        }
        return zip(centres, counts).filter { $0.1 > 0 }.map { Cluster(centre: $0.0, count: $0.1) }
    }

    /// k-means++: the first centre is a uniformly drawn point, each next one a point drawn with
    /// probability proportional to its squared distance from the nearest centre so far. Stops
    /// early when every point coincides with a centre.
    private func seeds(from points: [LabColor], k: Int) -> [LabColor] {
        var random = SplitMix64(seed: seed)
        var centres = [points[Int(random.next() % UInt64(points.count))]]
        var squaredDistances = points.map { $0.squaredDistance(to: centres[0]) }
        while centres.count < k {
            let total = squaredDistances.reduce(0, +)
            guard total > 0 else { break }
            var remaining = random.nextUnit() * total
            var chosen = -1
            for (index, squaredDistance) in squaredDistances.enumerated() where squaredDistance > 0 {
                chosen = index
                remaining -= squaredDistance
                if remaining < 0 { break }
            }
            // `chosen` is the last point with a positive distance if rounding left `remaining`
            // at or just above zero, so a centre is never drawn twice.
            let centre = points[chosen]
            centres.append(centre)
            for index in points.indices {
                squaredDistances[index] = min(squaredDistances[index], points[index].squaredDistance(to: centre))
            }
        }
        return centres
    }

    /// Merges, closest pair first, clusters whose centres are less than `distance` (ΔE76) apart;
    /// a merged centre is the count-weighted mean, i.e. the mean of both clusters' points.
    /// - Parameters:
    ///   - clusters: Clusters from ``clusters(of:k:)``.
    ///   - distance: The ΔE76 below which two centres count as one colour.
    static func merged(_ clusters: [Cluster], closerThan distance: Double) -> [Cluster] {
        var clusters = clusters
        while clusters.count > 1 {
            var closest = (i: 0, j: 1, squaredDistance: Double.infinity)
            for i in clusters.indices {
                for j in (i + 1)..<clusters.count {
                    let squaredDistance = clusters[i].centre.squaredDistance(to: clusters[j].centre)
                    if squaredDistance < closest.squaredDistance { closest = (i, j, squaredDistance) }
                }
            }
            guard closest.squaredDistance < distance * distance else { break }
            let (first, second) = (clusters[closest.i], clusters[closest.j])
            let total = first.count + second.count
            let (w1, w2) = (Double(first.count) / Double(total), Double(second.count) / Double(total))
            clusters[closest.i] = Cluster(
                centre: LabColor(
                    l: w1 * first.centre.l + w2 * second.centre.l,
                    a: w1 * first.centre.a + w2 * second.centre.a,
                    b: w1 * first.centre.b + w2 * second.centre.b),
                count: total)
            clusters.remove(at: closest.j)
        }
        return clusters
    }

    /// The index of the centre nearest to `point`; on a tie, the lowest index.
    private static func nearest(to point: LabColor, among centres: [LabColor]) -> Int {
        var best = 0
        var bestDistance = point.squaredDistance(to: centres[0])
        for index in centres.indices.dropFirst() {
            let distance = point.squaredDistance(to: centres[index])
            if distance < bestDistance { (best, bestDistance) = (index, distance) }
        }
        return best
    }
}
