/// A CSV file parsed per RFC 4180 (quoted fields with `""` escapes, commas and line breaks
/// inside quotes, CRLF or LF line ends), keeping records whose field count differs from the
/// header's apart as malformed rather than guessing at them.
struct CSVTable {
    /// The header's field names.
    let header: [String]
    /// Records with exactly as many fields as the header.
    let rows: [[String]]
    /// 1-based record numbers (header = 1) of records with another field count.
    let malformedRecords: [Int]

    init(bytes: [UInt8]) {
        var records: [[String]] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var index = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(fields) }
            fields.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(byte)
                }
            } else {
                switch byte {
                // A quote opens a quoted field only at the field's start; elsewhere it is data
                // (Myntra names such as `Jack "n" Jones` carry bare quotes).
                case UInt8(ascii: "\"") where field.isEmpty: inQuotes = true
                case UInt8(ascii: ","): endField()
                case UInt8(ascii: "\n"): endRecord()
                case UInt8(ascii: "\r"): break
                default: field.append(byte)
                }
            }
            index += 1
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        header = records.first ?? []
        var rows: [[String]] = []
        var malformed: [Int] = []
        for (number, record) in records.enumerated().dropFirst() {
            if record.count == header.count { rows.append(record) } else { malformed.append(number + 1) }
        }
        self.rows = rows
        self.malformedRecords = malformed
    }

    /// The column index of `name`.
    func column(_ name: String) throws(EvaluationError) -> Int {
        guard let index = header.firstIndex(of: name) else { throw .missingColumn(name) }
        return index
    }
}
