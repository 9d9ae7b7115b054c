import StylecastCalendar
/// A table row's values by column name, for the readers' mapping code.
struct NamedRow {
    let header: [String]
    let columns: [String: Int]
    let fields: [String]

    subscript(_ name: String) -> String {
        guard let index = columns[name], index < fields.count else { return "" }
        return fields[index]
    }

    /// The non-empty values of the columns not in `mapped`, for `extra`.
    func extra(excluding mapped: Set<String>) -> [String: String] {
        var extra: [String: String] = [:]
        for (index, name) in header.enumerated() where !mapped.contains(name) && index < fields.count {
            if !fields[index].isEmpty { extra[name] = fields[index] }
        }
        return extra
    }
}

/// A field that breaks a rule; the reader turns it into a rejection.
struct FieldFailure: Error {
    var field: String
    var rule: String
}

extension NamedRow {
    /// The value of `name`, which must not be empty.
    func required(_ name: String) throws(FieldFailure) -> String {
        let value = self[name]
        guard !value.isEmpty else { throw FieldFailure(field: name, rule: "must not be empty") }
        return value
    }

    /// The value of `name` as an ISO-8601 date.
    func date(_ name: String) throws(FieldFailure) -> CivilDay {
        guard let date = CivilDay(iso: self[name]) else {
            throw FieldFailure(field: name, rule: "must be an ISO-8601 date (YYYY-MM-DD)")
        }
        return date
    }

    /// The value of `name` as a finite number within `range`.
    func number(_ name: String, in range: ClosedRange<Double>) throws(FieldFailure) -> Double {
        guard let value = Double(self[name]), value.isFinite, range.contains(value) else {
            throw FieldFailure(field: name, rule: "must be a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}
