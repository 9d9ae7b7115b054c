import Foundation
import StylecastImageIO
import StylecastTestSupport
import StylecastVision
import Testing

@Suite("stylecast classify", .timeLimit(.minutes(2)))
struct ClassifyCommandTests {
    /// Writes the first `count` Fashion-MNIST test images as a plain idx file.
    func writeIDX(count: Int, to path: String) throws {
        let test = try FashionMNIST(split: .test)
        var bytes: [UInt8] = [0, 0, 8, 3]
        for value in [UInt32(count), 28, 28] {
            bytes += withUnsafeBytes(of: value.bigEndian) { Array($0) }
        }
        for index in 0..<count { bytes += try test.image(at: index) }
        try writeFile(path, bytes)
    }

    @Test("--json prints one object per image whose class matches the in-process classifier")
    func jsonLines() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("classify.idx")
        try writeIDX(count: 20, to: path)
        let (status, output) = try await ChildProcess.run(
            BuiltExecutables.path(of: "stylecast"), arguments: ["classify", "--json", path])
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(lines.count == 20)
        let expected = try GarmentClassifier.load(environment: [:])
            .classify(try FashionMNIST(split: .test).imagesTensor(range: 0..<20))
        for (index, line) in lines.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["index"] as? Int == index)
            #expect(object["class"] as? Int == expected[index].classIndex)
            #expect(object["name"] as? String == expected[index].className)
        }
    }

    @Test("the gzipped test set and a PNG are accepted; a file of another kind is an error naming it")
    func inputs() async throws {
        let stylecast = try BuiltExecutables.path(of: "stylecast")
        let directory = try TemporaryDirectory()

        let image = try FashionMNIST(split: .test).image(at: 0)
        let pngPath = directory.path("garment.png")
        try PNGImage(width: 28, height: 28, format: .grey, pixels: image).write(to: pngPath)
        let png = try await ChildProcess.run(stylecast, arguments: ["classify", pngPath])
        #expect(png.status == 0, "\(png.output)")
        let expected = try GarmentClassifier.load(environment: [:]).classify(try GarmentInput.tensor(greyscale: [image]))
        #expect(png.output.hasPrefix("0\t\(expected[0].className)\t"), "\(png.output)")

        let junkPath = directory.path("junk.bin")
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: junkPath))
        let junk = try await ChildProcess.run(stylecast, arguments: ["classify", junkPath])
        #expect(junk.status != 0)
        #expect(junk.output.contains("junk.bin: neither a PNG nor an idx image file"), "\(junk.output)")
    }
}
