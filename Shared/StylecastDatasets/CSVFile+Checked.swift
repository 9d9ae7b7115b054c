extension CSVFile {
    /// A data row that passed the checks every CSV source shares, or its rejection.
    enum CheckedRow {
        /// A row with one value per column; `repair` states the rule when it was repaired.
        case row(line: UInt64, NamedRow, repair: String?)
        /// The row's rejection.
        case rejected(DatasetEntry)
    }

    /// The next row, checked: readable, valid UTF-8, no field over 1 MiB, as many fields as
    /// the header.
    /// - Parameters:
    ///   - idColumn: The column holding the record's id, for rejection messages.
    ///   - idPrefix: Prefixed to that id ("myntra:").
    ///   - lastColumnAbsorbsCommas: Whether extra fields are taken as unquoted commas inside
    ///     the last column and joined back into it with ",", which is the repair reported.
    /// - Returns: `nil` at the end of the file.
    /// - Throws: ``DatasetError`` when the file stops being readable.
    func nextChecked(
        idColumn: Int, idPrefix: String, lastColumnAbsorbsCommas: Bool = false
    ) throws(DatasetError) -> CheckedRow? {
        guard let record = try next() else { return nil }
        switch record {
        case .unreadable(let line, let field, let rule):
            return .rejected(Rejection.entry(index: line, field: field, rule: rule))
        case .row(let line, var row):
            let id = idColumn < row.fields.count && !row.fields[idColumn].isEmpty
                && row.problem?.field != idColumn ? idPrefix + row.fields[idColumn] : ""
            if let (field, problem) = row.problem {
                let name = field < header.count ? header[field] : "field \(field + 1)"
                return .rejected(Rejection.entry(index: line, recordID: id, field: name, rule: problem.rule))
            }
            var repair: String?
            if row.fields.count > header.count, lastColumnAbsorbsCommas {
                let extra = row.fields.count - header.count
                let last = row.fields[(header.count - 1)...].joined(separator: ",")
                row.fields.removeSubrange((header.count - 1)...)
                row.fields.append(last)
                repair = "\(header[header.count - 1]) is the last column: \(extra) extra field"
                    + (extra == 1 ? "" : "s") + " rejoined with ','"
            }
            guard row.fields.count == header.count else {
                return .rejected(
                    Rejection.entry(
                        index: line, recordID: id, field: "row",
                        rule: "must have \(header.count) fields, found \(row.fields.count)"))
            }
            return .row(line: line, NamedRow(header: header, columns: columnIndex, fields: row.fields), repair: repair)
        }
    }
}
