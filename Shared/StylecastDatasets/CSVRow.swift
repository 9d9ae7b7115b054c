/// The fields of one CSV record, unquoted and checked: UTF-8, at most ``maximumFieldSize``.
struct CSVRow {
    /// The longest field accepted: 1 MiB.
    static let maximumFieldSize = 1 << 20

    /// Why a field could not be read; the field's value is then empty.
    enum Problem: Equatable {
        case invalidUTF8
        case tooLong(byteCount: Int)

        /// The rule the field broke.
        var rule: String {
            switch self {
            case .invalidUTF8: "must be valid UTF-8"
            case .tooLong: "field longer than 1 MiB"
            }
        }
    }

    /// The field values, in order.
    var fields: [String] = []
    /// The first problem found, with the index of its field.
    var problem: (field: Int, problem: Problem)?

    /// Splits one record (no terminator) into fields per RFC 4180: fields separated by commas;
    /// a field starting with a double quote runs to the matching quote, may hold commas and
    /// newlines, and writes a quote as two quotes. Bytes after a closing quote up to the next
    /// comma are kept, and a quote inside an unquoted field is an ordinary byte, so sloppy
    /// files lose nothing.
    /// - Parameter bytes: The record's bytes.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        let end = bytes.count
        var index = 0
        var scratch: [UInt8] = []
        while true {
            let fieldStart = index
            var value: String
            if index < end, bytes[index] == quote {
                scratch.removeAll(keepingCapacity: true)
                index += 1
                var segment = index
                while index < end {
                    if bytes[index] == quote {
                        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segment..<index]))
                        if index + 1 < end, bytes[index + 1] == quote {
                            scratch.append(quote)
                            index += 2
                            segment = index
                            continue
                        }
                        index += 1
                        segment = index
                        break
                    }
                    index += 1
                }
                while index < end, bytes[index] != comma { index += 1 }
                if segment < index {
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segment..<index]))
                }
                value = scratch.withUnsafeBufferPointer { check($0, field: fields.count) }
            } else {
                while index < end, bytes[index] != comma { index += 1 }
                value = check(UnsafeBufferPointer(rebasing: bytes[fieldStart..<index]), field: fields.count)
            }
            fields.append(value)
            if index >= end { break }
            index += 1
            if index == end {
                fields.append("")
                break
            }
        }
    }

    /// The field as a string, or "" after noting why it cannot be one.
    private mutating func check(_ bytes: UnsafeBufferPointer<UInt8>, field: Int) -> String {
        guard bytes.count <= Self.maximumFieldSize else {
            if problem == nil { problem = (field, .tooLong(byteCount: bytes.count)) }
            return ""
        }
        guard let value = String(validating: bytes, as: UTF8.self) else {
            if problem == nil { problem = (field, .invalidUTF8) }
            return ""
        }
        return value
    }
}
