import StylecastImageIO

/// `IDXFile(bytes:)`, plain or gzipped: an accepted file has as many dimensions as its magic
/// number says and exactly the values they multiply to.
public struct IDXFuzzTarget: FuzzTarget {
    public static let name = "idx"

    /// Creates the target.
    public init() {}

    public func run(_ input: [UInt8]) throws(FuzzFailure) -> FuzzOutcome {
        let file: IDXFile
        do {
            file = try IDXFile(bytes: input)
        } catch {
            return try rejection(error)
        }
        try check(file.magic >> 8 == 0x08, "accepted magic 0x\(String(file.magic, radix: 16))")
        try check(file.dimensions.count == Int(file.magic & 0xFF), "\(file.dimensions.count) dimensions for magic 0x\(String(file.magic, radix: 16))")
        try check(file.dimensions.allSatisfy { $0 >= 0 }, "negative dimension in \(file.dimensions)")
        try check(file.values.count <= IDXFile.maximumByteCount, "\(file.values.count) values, over the limit")
        try check(file.values.count == file.dimensions.reduce(1, *), "\(file.values.count) values for dimensions \(file.dimensions)")
        return .accepted(summary: "dimensions \(file.dimensions)")
    }
}
