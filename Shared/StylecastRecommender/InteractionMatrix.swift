/// A sparse rows-by-columns matrix of interaction strengths in compressed sparse row form
/// (users by items, or its transpose), the input of ``ALSModel/train(_:configuration:)``.
///
/// Duplicate (row, column) entries are summed; columns within a row are sorted.
public struct InteractionMatrix: Sendable, Equatable {
    /// Number of rows.
    public let rowCount: Int
    /// Number of columns.
    public let columnCount: Int
    /// Row `r` holds entries `rowStarts[r]..<rowStarts[r + 1]`; `rowCount + 1` values.
    public let rowStarts: [Int]
    /// Column of each entry.
    public let columns: [Int32]
    /// Value of each entry.
    public let values: [Float]

    /// Number of stored entries.
    public var entryCount: Int { columns.count }

    /// Builds the matrix from entries in any order.
    /// - Parameters:
    ///   - rowCount: Number of rows.
    ///   - columnCount: Number of columns (at most `Int32.max`).
    ///   - entries: (row, column, value) triples; duplicates are summed.
    /// - Throws: ``RecommenderError/indexOutOfRange(field:index:count:)`` for an entry outside the
    ///   matrix, ``RecommenderError/invalidParameter(name:rule:)`` for negative sizes.
    public init(
        rowCount: Int, columnCount: Int, entries: [(row: Int, column: Int, value: Float)]
    ) throws(RecommenderError) {
        guard rowCount >= 0 else { throw .invalidParameter(name: "rowCount", rule: "must be at least 0") }
        guard columnCount >= 0, columnCount <= Int(Int32.max) else {
            throw .invalidParameter(name: "columnCount", rule: "must be in 0...\(Int32.max)")
        }
        var counts = [Int](repeating: 0, count: rowCount + 1)
        for entry in entries {
            guard entry.row >= 0, entry.row < rowCount else {
                throw .indexOutOfRange(field: "row", index: entry.row, count: rowCount)
            }
            guard entry.column >= 0, entry.column < columnCount else {
                throw .indexOutOfRange(field: "column", index: entry.column, count: columnCount)
            }
            counts[entry.row + 1] += 1
        }
        for row in 0..<rowCount { counts[row + 1] += counts[row] }
        // Counting sort by row, then sort and merge each row's columns.
        var next = counts
        var rawColumns = [Int32](repeating: 0, count: entries.count)
        var rawValues = [Float](repeating: 0, count: entries.count)
        for entry in entries {
            rawColumns[next[entry.row]] = Int32(entry.column)
            rawValues[next[entry.row]] = entry.value
            next[entry.row] += 1
        }
        var starts = [Int](repeating: 0, count: rowCount + 1)
        var columns = [Int32]()
        var values = [Float]()
        columns.reserveCapacity(entries.count)
        values.reserveCapacity(entries.count)
        for row in 0..<rowCount {
            let order = (counts[row]..<counts[row + 1]).sorted { rawColumns[$0] < rawColumns[$1] }
            for position in order {
                if columns.count > starts[row], columns[columns.count - 1] == rawColumns[position] {
                    values[values.count - 1] += rawValues[position]
                } else {
                    columns.append(rawColumns[position])
                    values.append(rawValues[position])
                }
            }
            starts[row + 1] = columns.count
        }
        self.init(rowCount: rowCount, columnCount: columnCount, rowStarts: starts, columns: columns, values: values)
    }

    /// Builds the users-by-items matrix of interaction weights (repeated events add up).
    /// - Parameters:
    ///   - userCount: Number of users (rows).
    ///   - itemCount: Number of items (columns).
    ///   - interactions: The events; `weight` is the value.
    /// - Throws: ``RecommenderError/indexOutOfRange(field:index:count:)`` for an unknown user or item.
    public init(userCount: Int, itemCount: Int, interactions: [Interaction]) throws(RecommenderError) {
        try self.init(
            rowCount: userCount, columnCount: itemCount,
            entries: interactions.map { (row: $0.user, column: $0.item, value: $0.weight) })
    }

    private init(rowCount: Int, columnCount: Int, rowStarts: [Int], columns: [Int32], values: [Float]) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowStarts = rowStarts
        self.columns = columns
        self.values = values
    }

    /// The columns of one row, sorted.
    /// - Parameter row: Row index, `0..<rowCount`.
    public func columns(inRow row: Int) -> ArraySlice<Int32> {
        columns[rowStarts[row]..<rowStarts[row + 1]]
    }

    /// The columns-by-rows matrix (items by users for a users-by-items matrix).
    public func transposed() -> InteractionMatrix {
        var starts = [Int](repeating: 0, count: columnCount + 1)
        for column in columns { starts[Int(column) + 1] += 1 }
        for column in 0..<columnCount { starts[column + 1] += starts[column] }
        var next = starts
        var newColumns = [Int32](repeating: 0, count: columns.count)
        var newValues = [Float](repeating: 0, count: values.count)
        // Rows are visited in order, so each transposed row comes out sorted.
        for row in 0..<rowCount {
            for entry in rowStarts[row]..<rowStarts[row + 1] {
                let column = Int(columns[entry])
                newColumns[next[column]] = Int32(row)
                newValues[next[column]] = values[entry]
                next[column] += 1
            }
        }
        return InteractionMatrix(
            rowCount: columnCount, columnCount: rowCount, rowStarts: starts, columns: newColumns, values: newValues)
    }
}
