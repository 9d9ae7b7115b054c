import StylecastImageIO
import StylecastTensor

/// Turns images into the classifier's input: `[N, 1, 28, 28]`, pixel / 255, a bright garment
/// on a black background as in Fashion-MNIST.
public enum GarmentInput {
    /// Fashion-MNIST-style greyscale images (`side * side` bytes each) as a batch.
    /// - Parameters:
    ///   - images: Row-major 8-bit greyscale images, each 28 x 28.
    /// - Throws: ``TensorError/elementCount`` when an image is not 28 x 28.
    public static func tensor(greyscale images: [[UInt8]]) throws(TensorError) -> Tensor {
        let side = GarmentClassifier.imageSide
        var values: [Float] = []
        values.reserveCapacity(images.count * side * side)
        for image in images {
            guard image.count == side * side else {
                throw .elementCount(operation: "GarmentInput.tensor", shape: [1, side, side], count: image.count)
            }
            values += image.map { Float($0) / 255 }
        }
        return try Tensor(shape: [images.count, 1, side, side], values: values)
    }

    /// A photo or drawing of one garment, prepared like Fashion-MNIST: converted to grey (alpha
    /// composited over black), inverted when its border is brighter than its middle (a garment
    /// on a light background), scaled so that its longer side is 28 pixels by averaging the
    /// source pixels each target pixel covers, and centred on black.
    /// - Parameter image: A decoded PNG of any size.
    /// - Returns: The 28 x 28 greyscale image, row-major.
    public static func fashionMNISTStyle(_ image: PNGImage) -> [UInt8] {
        let grey = greyscale(image)
        let width = image.width
        let height = image.height
        var border: [Float] = []
        var middle: [Float] = []
        for y in 0..<height {
            for x in 0..<width {
                let onBorder = x < max(1, width / 10) || x >= width - max(1, width / 10)
                    || y < max(1, height / 10) || y >= height - max(1, height / 10)
                let inMiddle = abs(x - width / 2) <= width / 4 && abs(y - height / 2) <= height / 4
                if onBorder { border.append(grey[y * width + x]) } else if inMiddle { middle.append(grey[y * width + x]) }
            }
        }
        let mean = { (values: [Float]) in values.isEmpty ? 0 : values.reduce(0, +) / Float(values.count) }
        let invert = mean(border) > mean(middle)
        let garment = invert ? grey.map { 255 - $0 } : grey

        let side = GarmentClassifier.imageSide
        let scale = Float(max(width, height)) / Float(side)
        let targetWidth = max(1, min(side, Int((Float(width) / scale).rounded())))
        let targetHeight = max(1, min(side, Int((Float(height) / scale).rounded())))
        let left = (side - targetWidth) / 2
        let top = (side - targetHeight) / 2
        var result = [UInt8](repeating: 0, count: side * side)
        for ty in 0..<targetHeight {
            let y0 = Int(Float(ty) * scale)
            let y1 = max(y0 + 1, min(height, Int(Float(ty + 1) * scale)))
            for tx in 0..<targetWidth {
                let x0 = Int(Float(tx) * scale)
                let x1 = max(x0 + 1, min(width, Int(Float(tx + 1) * scale)))
                var sum: Float = 0
                for y in y0..<min(y1, height) {
                    for x in x0..<min(x1, width) { sum += garment[y * width + x] }
                }
                let area = Float((min(y1, height) - y0) * (min(x1, width) - x0))
                result[(top + ty) * side + left + tx] = UInt8(max(0, min(255, (sum / max(area, 1)).rounded())))
            }
        }
        return result
    }

    /// Luma (ITU-R BT.601) of each pixel, alpha composited over black.
    static func greyscale(_ image: PNGImage) -> [Float] {
        let channels = image.format.channels
        return (0..<(image.width * image.height)).map { pixel in
            let base = pixel * channels
            let p = image.pixels
            switch image.format {
            case .grey: return Float(p[base])
            case .greyAlpha: return Float(p[base]) * Float(p[base + 1]) / 255
            case .rgb: return 0.299 * Float(p[base]) + 0.587 * Float(p[base + 1]) + 0.114 * Float(p[base + 2])
            case .rgba:
                let luma = 0.299 * Float(p[base]) + 0.587 * Float(p[base + 1]) + 0.114 * Float(p[base + 2])
                return luma * Float(p[base + 3]) / 255
            }
        }
    }
}
