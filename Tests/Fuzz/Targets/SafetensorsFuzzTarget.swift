import StylecastModelFormat
import StylecastTensor

/// `SafetensorsFile(bytes:)`: every header the reader accepts must let each tensor be read
/// as its dtype allows, and the `F32`/`F16`/`BF16`/`I64` tensors must survive a round trip
/// through ``SafetensorsWriter`` bit for bit.
public struct SafetensorsFuzzTarget: FuzzTarget {
    public static let name = "safetensors"

    /// Creates the target.
    public init() {}

    public func run(_ input: [UInt8]) throws(FuzzFailure) -> FuzzOutcome {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(bytes: input)
        } catch {
            return try rejection(error)
        }
        var writer = SafetensorsWriter(metadata: file.metadata)
        var floats: [String: [UInt32]] = [:]
        var integers: [String: [Int64]] = [:]
        for info in file.tensors {
            try check(
                info.dataOffsets.count == info.elementCount * info.dtype.byteSize,
                "\(info.name): \(info.dataOffsets.count) bytes for shape \(info.shape) of \(info.dtype)")
            switch info.dtype {
            case .float32, .float16, .bfloat16, .int64:
                let tensor: Tensor
                do {
                    tensor = try file.tensor(named: info.name)
                } catch {
                    throw failure("\(info.name): a validated \(info.dtype) tensor does not read: \(error)")
                }
                try check(tensor.shape == info.shape, "\(info.name): read with shape \(tensor.shape), header \(info.shape)")
                if info.dtype == .int64 {
                    let values: [Int64]
                    do {
                        values = try file.int64Values(named: info.name)
                    } catch {
                        throw failure("\(info.name): I64 values do not read: \(error)")
                    }
                    try check(values.count == info.elementCount, "\(info.name): \(values.count) I64 values")
                    integers[info.name] = values
                    try add(info.name, to: &writer) { (writer) throws(SafetensorsError) in
                        try writer.add(int64Values: values, shape: info.shape, named: info.name)
                    }
                } else {
                    floats[info.name] = tensor.scalars.map(\.bitPattern)
                    try add(info.name, to: &writer) { (writer) throws(SafetensorsError) in
                        try writer.add(tensor, named: info.name)
                    }
                }
            default:
                switch Result(catching: { () throws(SafetensorsError) in try file.tensor(named: info.name) }) {
                case .success: throw failure("\(info.name): \(info.dtype) was read as Float")
                case .failure(.unsupportedConversion): break
                case .failure(let error):
                    throw failure("\(info.name): \(info.dtype) refused with \(error), not unsupportedConversion")
                }
            }
        }
        try checkRoundTrip(writer.serialized(), of: file, floats: floats, integers: integers)
        return .accepted(summary: "\(file.tensors.count) tensors, \(file.metadata.count) metadata entries")
    }

    /// Adds one tensor to the writer; only the names the writer reserves are skipped.
    private func add(
        _ name: String, to writer: inout SafetensorsWriter,
        _ body: (inout SafetensorsWriter) throws(SafetensorsError) -> Void
    ) throws(FuzzFailure) {
        do throws(SafetensorsError) {
            try body(&writer)
        } catch .invalidTensorName {
            // The reader accepts any key, the writer refuses "" (and "__metadata__", which the
            // reader never returns as a tensor): such a tensor is not part of the round trip.
        } catch {
            throw failure("\(name): the writer refuses a tensor the reader accepted: \(error)")
        }
    }

    private func checkRoundTrip(
        _ bytes: [UInt8], of original: SafetensorsFile, floats: [String: [UInt32]], integers: [String: [Int64]]
    ) throws(FuzzFailure) {
        let copy: SafetensorsFile
        do {
            copy = try SafetensorsFile(bytes: bytes)
        } catch {
            throw failure("the writer's output does not read back: \(error)")
        }
        try check(copy.metadata == original.metadata, "metadata \(original.metadata) came back as \(copy.metadata)")
        for name in copy.tensorNames {
            if let expected = integers[name] {
                let values = Result { () throws(SafetensorsError) in try copy.int64Values(named: name) }
                try check(values == .success(expected), "\(name): I64 values \(expected) came back as \(values)")
            } else if let expected = floats[name] {
                let values = Result { () throws(SafetensorsError) in try copy.tensor(named: name).scalars.map(\.bitPattern) }
                try check(values == .success(expected), "\(name): Float bits \(expected) came back as \(values)")
            } else {
                throw failure("\(name): the round trip made a tensor that was not written")
            }
        }
        let written = Set(floats.keys).union(integers.keys).filter { !$0.isEmpty }
        try check(Set(copy.tensorNames) == written, "round trip kept \(copy.tensorNames.sorted()) of \(written.sorted())")
    }
}
