import StylecastImageIO

extension DominantColors {
    /// The garment's pixels in CIELAB: up to ``maskSampleLimit`` pixels read on a stride, less
    /// the transparent ones and the background; all pixels read when that keeps fewer than
    /// ``minimumGarmentFraction`` of them.
    static func garmentPixels(of image: PNGImage) -> [LabColor] {
        let background = backgroundColor(of: image)
        var read: [LabColor] = []
        var garment: [LabColor] = []
        for index in strideIndices(pixelCount: image.width * image.height, width: image.width, limit: maskSampleLimit) {
            let (color, alpha) = image.pixel(at: index)
            let lab = LabColor(color)
            read.append(lab)
            guard alpha >= opaqueAlpha else { continue }
            if let background, lab.distance(to: background) <= backgroundDistance { continue }
            garment.append(lab)
        }
        return Double(garment.count) < minimumGarmentFraction * Double(read.count) ? read : garment
    }

    /// The background colour: the per-channel (L, a, b) median of the opaque pixels on the
    /// image's outermost rows and columns, or `nil` when there is no uniform background to
    /// remove: fewer than half the border pixels are opaque (the alpha channel is the mask), or
    /// fewer than ``uniformBorderFraction`` of the opaque ones lie within ``backgroundDistance``
    /// of the median.
    static func backgroundColor(of image: PNGImage) -> LabColor? {
        let (width, height) = (image.width, image.height)
        var borderCount = 0
        var opaque: [LabColor] = []
        func visit(x: Int, y: Int) {
            borderCount += 1
            let (color, alpha) = image.pixel(at: y * width + x)
            if alpha >= opaqueAlpha { opaque.append(LabColor(color)) }
        }
        for x in 0..<width {
            visit(x: x, y: 0)
            if height > 1 { visit(x: x, y: height - 1) }
        }
        for y in 1..<max(1, height - 1) {
            visit(x: 0, y: y)
            if width > 1 { visit(x: width - 1, y: y) }
        }
        guard !opaque.isEmpty, opaque.count * 2 >= borderCount else { return nil }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let background = LabColor(l: median(opaque.map(\.l)), a: median(opaque.map(\.a)), b: median(opaque.map(\.b)))
        let near = opaque.count { $0.distance(to: background) <= backgroundDistance }
        return Double(near) >= uniformBorderFraction * Double(opaque.count) ? background : nil
    }
}
