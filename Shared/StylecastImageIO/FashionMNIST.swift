import StylecastTensor

/// One split of Fashion-MNIST: 28x28 greyscale garment images with labels 0 to 9, read from
/// the IDX files of Debian's `dataset-fashion-mnist` package.
public struct FashionMNIST: Sendable {
    /// Which half of the data set.
    public enum Split: String, Sendable, CaseIterable {
        /// 60,000 training images.
        case train
        /// 10,000 test images.
        case test

        /// The images file name within the data set directory.
        public var imagesFileName: String {
            self == .train ? "train-images-idx3-ubyte.gz" : "t10k-images-idx3-ubyte.gz"
        }
        /// The labels file name within the data set directory.
        public var labelsFileName: String {
            self == .train ? "train-labels-idx1-ubyte.gz" : "t10k-labels-idx1-ubyte.gz"
        }
        /// The number of images the split must hold.
        public var expectedCount: Int { self == .train ? 60_000 : 10_000 }
    }

    /// Where Debian's `dataset-fashion-mnist` installs the files.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    /// Image height and width in pixels.
    public static let imageSide = 28
    /// The class names, indexed by label.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]
    /// Magic number of an unsigned-byte, 3-dimensional IDX file.
    static let imagesMagic: UInt32 = 0x0000_0803
    /// Magic number of an unsigned-byte, 1-dimensional IDX file.
    static let labelsMagic: UInt32 = 0x0000_0801

    /// The split that was loaded.
    public let split: Split
    /// All pixels, image after image, each image 28x28 row-major, 0 (background) to 255.
    public let pixels: [UInt8]
    /// The label (0 to 9, an index into ``classNames``) of each image.
    public let labels: [UInt8]

    /// Loads and checks one split: magic numbers, 28x28 images, the split's exact image count,
    /// as many labels as images, and labels below 10.
    /// - Parameters:
    ///   - split: Train or test.
    ///   - directory: The folder holding the four `.gz` files.
    /// - Throws: ``ImageIOError`` when a file is missing, corrupt or not the expected data set.
    public init(split: Split, directory: String = FashionMNIST.defaultDirectory) throws(ImageIOError) {
        let imagesPath = "\(directory)/\(split.imagesFileName)"
        let labelsPath = "\(directory)/\(split.labelsFileName)"
        let images = try IDXFile(contentsOf: imagesPath, expectedMagic: Self.imagesMagic)
        let labels = try IDXFile(contentsOf: labelsPath, expectedMagic: Self.labelsMagic)
        let expected = [split.expectedCount, Self.imageSide, Self.imageSide]
        guard images.dimensions == expected else {
            throw .unexpectedDataset(path: imagesPath, reason: "dimensions \(images.dimensions), expected \(expected)")
        }
        guard labels.dimensions == [split.expectedCount] else {
            throw .unexpectedDataset(
                path: labelsPath, reason: "\(labels.dimensions[0]) labels, expected \(split.expectedCount)")
        }
        if let bad = labels.values.firstIndex(where: { $0 >= Self.classNames.count }) {
            throw .unexpectedDataset(path: labelsPath, reason: "label \(labels.values[bad]) at \(bad) is not below 10")
        }
        self.split = split
        self.pixels = images.values
        self.labels = labels.values
    }

    /// Number of images.
    public var count: Int { labels.count }

    /// The images as separate arrays of 784 pixels each.
    public var images: [[UInt8]] {
        let size = Self.imageSide * Self.imageSide
        return (0..<count).map { Array(pixels[($0 * size)..<(($0 + 1) * size)]) }
    }

    /// One image's 784 pixels, row-major.
    /// - Parameter index: 0 ..< ``count``.
    /// - Throws: ``ImageIOError/indexOutOfRange(index:count:)``.
    public func image(at index: Int) throws(ImageIOError) -> [UInt8] {
        guard (0..<count).contains(index) else { throw .indexOutOfRange(index: index, count: count) }
        let size = Self.imageSide * Self.imageSide
        return Array(pixels[(index * size)..<((index + 1) * size)])
    }

    /// Images as a tensor `[n, 1, 28, 28]` with pixels scaled to [0, 1] (value / 255).
    /// - Parameter range: Which images; all of them when `nil`.
    /// - Throws: ``ImageIOError/indexOutOfRange(index:count:)`` for a range outside the split.
    public func imagesTensor(range: Range<Int>? = nil) throws(ImageIOError) -> Tensor {
        let range = range ?? 0..<count
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw .indexOutOfRange(index: range.lowerBound < 0 ? range.lowerBound : range.upperBound, count: count)
        }
        let size = Self.imageSide * Self.imageSide
        var tensor = Tensor(zeros: [range.count, 1, Self.imageSide, Self.imageSide])
        tensor.withUnsafeMutableBufferPointer { buffer in
            for (target, source) in (range.lowerBound * size..<range.upperBound * size).enumerated() {
                buffer[target] = Float(pixels[source]) / 255
            }
        }
        return tensor
    }
}
