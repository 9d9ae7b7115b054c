import StylecastModelFormat
import StylecastTensor
import StylecastTestSupport
import Testing

@Suite("Safetensors reading and writing")
struct SafetensorsReadWriteTests {
    @Test("a file written by Python's safetensors reads with the right names, dtypes and values")
    func pythonFixture() throws {
        let file = try SafetensorsFile(contentsOf: try fixturePath("python_mixed.safetensors", in: .module))
        #expect(file.tensorNames == ["bf16", "f16", "f32", "i64"])
        #expect(file.metadata == ["format": "pt", "source": "make_safetensors_fixture.py"])
        #expect(try file.info(named: "f32").dtype == .float32)
        #expect(try file.info(named: "bf16").shape == [2, 2])

        let f32 = try file.tensor(named: "f32")
        #expect(f32.shape == [2, 3])
        #expect(f32.scalars == [0.5, -1.25, 3.0, 0.001, 1e30, -7.0])
        #expect(f32.storage.isBorrowed)
        #expect(try file.tensor(named: "f16").scalars == [0.5, -1.5, 65504.0, 0x1p-24])
        #expect(try file.tensor(named: "bf16").scalars == [1.0, -2.5, 0.15625, 256.0])
        #expect(try file.int64Values(named: "i64") == [0, -1, 1 << 40, (1 << 53) + 1])
        #expect(try file.tensor(named: "i64").scalars == [0, -1, 0x1p40, 0x1p53])
    }

    @Test("written tensors, integers and metadata read back identically, header padded to 8 bytes")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("model.safetensors")
        let weight = try Tensor(shape: [2, 3], values: [1, -2, 3.5, 0, .greatestFiniteMagnitude, -0.25])
        let bias = try Tensor(shape: [3], values: [0.1, 0.2, 0.3])
        var writer = SafetensorsWriter(metadata: ["epoch": "12", "note": "quote \" and\nnewline"])
        try writer.add(weight, named: "layer.weight")
        try writer.add(bias, named: "layer.bias")
        try writer.add(int64Values: [3, -4, Int64.max], shape: [3], named: "steps")
        try writer.add(Tensor(zeros: []), named: "scalar")
        try writer.write(to: path)

        let bytes = try readFile(path)
        #expect(bytes == writer.serialized())
        let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect((8 + headerLength) % 8 == 0)

        let file = try SafetensorsFile(contentsOf: path)
        #expect(file.tensorNames == ["layer.bias", "layer.weight", "scalar", "steps"])
        #expect(file.metadata == ["epoch": "12", "note": "quote \" and\nnewline"])
        #expect(try file.tensor(named: "layer.weight").scalars == weight.scalars)
        #expect(try file.tensor(named: "layer.weight").shape == [2, 3])
        #expect(try file.tensor(named: "layer.bias").scalars == bias.scalars)
        #expect(try file.tensor(named: "scalar").shape == [])
        #expect(try file.tensor(named: "scalar").scalars == [0])
        #expect(try file.int64Values(named: "steps") == [3, -4, Int64.max])
    }

    @Test("F32 tensors borrow the mapped file: no copy, and a write copies only the writer's tensor")
    func zeroCopy() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("w.safetensors")
        var writer = SafetensorsWriter()
        try writer.add(try Tensor(shape: [4], values: [1, 2, 3, 4]), named: "w")
        try writer.write(to: path)

        let file = try SafetensorsFile(contentsOf: path)
        let first = try file.tensor(named: "w")
        let second = try file.tensor(named: "w")
        #expect(first.storage.isBorrowed)
        #expect(first.storage.buffer.baseAddress == second.storage.buffer.baseAddress)

        var mutated = first
        mutated.withUnsafeMutableBufferPointer { $0[0] = 9 }
        #expect(!mutated.storage.isBorrowed)
        #expect(mutated.scalars == [9, 2, 3, 4])
        #expect(try file.tensor(named: "w").scalars == [1, 2, 3, 4])
    }

    @Test("F32 data at a misaligned address is copied, with the right values")
    func misalignedCopy() throws {
        var data: [UInt8] = [0xAB]
        withUnsafeBytes(of: Float(2.5).bitPattern.littleEndian) { data += $0 }
        let header = #"{"pad":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"F32","shape":[1],"data_offsets":[1,5]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        let file = try SafetensorsFile(bytes: safetensorsBytes(header: padded, data: data))
        let tensor = try file.tensor(named: "w")
        #expect(!tensor.storage.isBorrowed)
        #expect(tensor.scalars == [2.5])
    }

    @Test("the writer refuses duplicate, reserved and empty names and miscounted integers")
    func writerErrors() throws {
        var writer = SafetensorsWriter()
        try writer.add(Tensor(zeros: [1]), named: "a")
        #expect(throws: SafetensorsError.duplicateTensorName("a")) { try writer.add(Tensor(zeros: [1]), named: "a") }
        #expect(throws: SafetensorsError.invalidTensorName("__metadata__")) {
            try writer.add(Tensor(zeros: [1]), named: "__metadata__")
        }
        #expect(throws: SafetensorsError.invalidTensorName("")) { try writer.add(Tensor(zeros: [1]), named: "") }
        #expect(throws: SafetensorsError.elementCountMismatch(tensor: "n", shape: [2, 2], count: 3)) {
            try writer.add(int64Values: [1, 2, 3], shape: [2, 2], named: "n")
        }
        #expect(throws: SafetensorsError.cannotWrite(path: "/nonexistent/dir/x.safetensors", errno: 2)) {
            try writer.write(to: "/nonexistent/dir/x.safetensors")
        }
    }
}
