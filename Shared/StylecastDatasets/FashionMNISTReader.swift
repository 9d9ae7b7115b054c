import Foundation
import StylecastImageIO
import StylecastProto

/// Fashion-MNIST from the directory holding the four idx `.gz` files: the 60,000 training
/// then the 10,000 test images, each an item with source_id "train-00000" / "test-00000",
/// category and title = the class name, and the image as a 28x28 greyscale PNG.
///
/// One split is loaded into memory at a time (47 MB of pixels for the training split, read
/// through StylecastImageIO's whole-file idx reader); images are encoded one by one as they
/// are read, with the Up filter on every row (choosing a filter per row costs five
/// times the work for a few bytes on a 28x28 image). An entry's index is the image's 0-based index within its split.
struct FashionMNISTReader: EntryProducer {
    let directory: String
    let totalBytes: UInt64
    private let splitBytes: [FashionMNIST.Split: UInt64]
    private var split: FashionMNIST.Split?
    private var data: FashionMNIST?
    private var position = 0
    private var doneBytes: UInt64 = 0

    init(directory: String) throws(DatasetError) {
        self.directory = directory
        var sizes: [FashionMNIST.Split: UInt64] = [:]
        for split in FashionMNIST.Split.allCases {
            var total: UInt64 = 0
            for name in [split.imagesFileName, split.labelsFileName] {
                total += try InputFile(path: directory + "/" + name).totalBytes
            }
            sizes[split] = total
        }
        splitBytes = sizes
        totalBytes = sizes.values.reduce(0, +)
        split = .train
    }

    var bytesRead: UInt64 {
        guard let split, let data, data.count > 0 else { return doneBytes }
        return doneBytes + (splitBytes[split] ?? 0) * UInt64(position) / UInt64(data.count)
    }

    var peakBufferCapacity: Int { data?.pixels.capacity ?? 0 }

    mutating func produce(into entries: inout [DatasetEntry]) throws(DatasetError) -> Bool {
        guard let split else { return false }
        if data == nil {
            do {
                data = try FashionMNIST(split: split, directory: directory)
            } catch {
                throw .invalidDataset(path: directory, reason: error.description)
            }
            position = 0
        }
        guard let data, position < data.count else {
            doneBytes += splitBytes[split] ?? 0
            self.data = nil
            self.split = split == .train ? .test : nil
            return try produce(into: &entries)
        }
        let index = position
        position += 1
        let sourceID = "\(split.rawValue)-" + String(repeating: "0", count: max(0, 5 - String(index).count)) + String(index)
        let side = FashionMNIST.imageSide
        let label = Int(data.labels[index])
        let png: [UInt8]
        do {
            let pixels = Array(data.pixels[(index * side * side)..<((index + 1) * side * side)])
            png = try PNGImage(width: side, height: side, format: .grey, pixels: pixels).pngData(filter: .up)
        } catch {
            entries.append(
                Rejection.entry(
                    index: UInt64(index), recordID: "fmnist:" + sourceID, field: "image", rule: error.description,
                    unit: "image"))
            return true
        }
        var item = Stylecast_V1_FashionItem()
        item.itemID = "fmnist:" + sourceID
        item.source = "fmnist"
        item.sourceID = sourceID
        item.category = FashionMNIST.classNames[label]
        item.title = FashionMNIST.classNames[label]
        item.image = Data(png)
        item.extra = ["split": split.rawValue, "label": String(label)]
        entries.append(.record(.item(item), index: UInt64(index)))
        return true
    }
}
