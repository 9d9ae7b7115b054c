/// An element type defined by the safetensors format, spelled as in the header.
public enum SafetensorsDType: String, CaseIterable, Sendable {
    /// Boolean, one byte.
    case bool = "BOOL"
    /// Unsigned 8-bit integer.
    case uint8 = "U8"
    /// Signed 8-bit integer.
    case int8 = "I8"
    /// 8-bit float with 5 exponent and 2 mantissa bits.
    case float8E5M2 = "F8_E5M2"
    /// 8-bit float with 4 exponent and 3 mantissa bits.
    case float8E4M3 = "F8_E4M3"
    /// Signed 16-bit integer.
    case int16 = "I16"
    /// Unsigned 16-bit integer.
    case uint16 = "U16"
    /// IEEE 754 half precision.
    case float16 = "F16"
    /// bfloat16: the upper 16 bits of an IEEE 754 single.
    case bfloat16 = "BF16"
    /// Signed 32-bit integer.
    case int32 = "I32"
    /// Unsigned 32-bit integer.
    case uint32 = "U32"
    /// IEEE 754 single precision.
    case float32 = "F32"
    /// IEEE 754 double precision.
    case float64 = "F64"
    /// Signed 64-bit integer.
    case int64 = "I64"
    /// Unsigned 64-bit integer.
    case uint64 = "U64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8, .float8E5M2, .float8E4M3: 1
        case .int16, .uint16, .float16, .bfloat16: 2
        case .int32, .uint32, .float32: 4
        case .float64, .int64, .uint64: 8
        }
    }
}
