extension PNGImage {
    /// The image shrunk so that its longer side is at most `maximumSide`, keeping its aspect
    /// ratio and format; each target pixel is the average of the source pixels it covers (a box
    /// filter, per channel). An image that already fits comes back unchanged.
    /// - Parameter maximumSide: The longest side wanted, at least 1.
    public func scaledDown(toFit maximumSide: Int) -> PNGImage {
        precondition(maximumSide >= 1, "scaledDown(toFit:) needs a side of at least 1")
        let longer = Swift.max(width, height)
        guard longer > maximumSide else { return self }
        let targetWidth = Swift.max(1, width * maximumSide / longer)
        let targetHeight = Swift.max(1, height * maximumSide / longer)
        let channels = format.channels
        var output = [UInt8](repeating: 0, count: targetWidth * targetHeight * channels)
        var sums = [Int](repeating: 0, count: channels)
        pixels.withUnsafeBufferPointer { source in
            for targetY in 0..<targetHeight {
                let (y0, y1) = (targetY * height / targetHeight, (targetY + 1) * height / targetHeight)
                for targetX in 0..<targetWidth {
                    let (x0, x1) = (targetX * width / targetWidth, (targetX + 1) * width / targetWidth)
                    for channel in 0..<channels { sums[channel] = 0 }
                    for y in y0..<y1 {
                        var index = (y * width + x0) * channels
                        for _ in x0..<x1 {
                            for channel in 0..<channels { sums[channel] += Int(source[index + channel]) }
                            index += channels
                        }
                    }
                    let area = (y1 - y0) * (x1 - x0)
                    let target = (targetY * targetWidth + targetX) * channels
                    for channel in 0..<channels { output[target + channel] = UInt8((sums[channel] + area / 2) / area) }
                }
            }
        }
        return PNGImage(checkedWidth: targetWidth, height: targetHeight, format: format, pixels: output)
    }
}
