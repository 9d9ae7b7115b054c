/// A PNG row filter: each row is stored as the difference from a prediction.
public enum PNGFilterType: UInt8, Sendable, CaseIterable {
    /// The bytes as they are.
    case none = 0
    /// Minus the byte one pixel to the left.
    case sub = 1
    /// Minus the byte above.
    case up = 2
    /// Minus the floor of the mean of left and above.
    case average = 3
    /// Minus whichever of left, above or upper-left is closest to left + above - upper-left.
    case paeth = 4

    /// The prediction for one byte from its neighbours `left`, `above` and `upperLeft`
    /// (0 outside the image).
    func predictor(left: UInt8, above: UInt8, upperLeft: UInt8) -> UInt8 {
        switch self {
        case .none: return 0
        case .sub: return left
        case .up: return above
        case .average: return UInt8((Int(left) + Int(above)) / 2)
        case .paeth:
            let estimate = Int(left) + Int(above) - Int(upperLeft)
            let distanceLeft = abs(estimate - Int(left))
            let distanceAbove = abs(estimate - Int(above))
            let distanceUpperLeft = abs(estimate - Int(upperLeft))
            if distanceLeft <= distanceAbove && distanceLeft <= distanceUpperLeft { return left }
            return distanceAbove <= distanceUpperLeft ? above : upperLeft
        }
    }

    /// Reverses the filter on one row in place.
    /// - Parameters:
    ///   - buffer: The image data.
    ///   - row: Indices of the row's filtered bytes (without the filter-type byte).
    ///   - previousStart: Index of the previous, already reconstructed row; `nil` for the first row.
    ///   - bytesPerPixel: Distance to the "left" byte.
    func unfilter(
        _ buffer: UnsafeMutableBufferPointer<UInt8>, row: Range<Int>, previousStart: Int?, bytesPerPixel: Int
    ) {
        for index in 0..<row.count {
            let left = index >= bytesPerPixel ? buffer[row.lowerBound + index - bytesPerPixel] : 0
            let above = previousStart.map { buffer[$0 + index] } ?? 0
            let upperLeft = index >= bytesPerPixel ? previousStart.map { buffer[$0 + index - bytesPerPixel] } ?? 0 : 0
            buffer[row.lowerBound + index] &+= predictor(left: left, above: above, upperLeft: upperLeft)
        }
    }

    /// Applies the filter to one row.
    /// - Parameters:
    ///   - row: The raw bytes of one row.
    ///   - previous: The raw previous row; empty for the first row.
    ///   - bytesPerPixel: Distance to the "left" byte.
    func filtered(_ row: ArraySlice<UInt8>, previous: ArraySlice<UInt8>, bytesPerPixel: Int) -> [UInt8] {
        let start = row.startIndex
        let previousStart = previous.startIndex
        return (0..<row.count).map { index in
            let left = index >= bytesPerPixel ? row[start + index - bytesPerPixel] : 0
            let above = previous.isEmpty ? 0 : previous[previousStart + index]
            let upperLeft = !previous.isEmpty && index >= bytesPerPixel ? previous[previousStart + index - bytesPerPixel] : 0
            return row[start + index] &- predictor(left: left, above: above, upperLeft: upperLeft)
        }
    }
}
