/// One record cut from an export before it is decoded: a JSON text or a CSV row, and where it started.
struct RawRecord {
    /// What the record holds.
    enum Payload {
        /// The bytes of one JSON value.
        case json(ArraySlice<UInt8>)
        /// The fields of one CSV row.
        case fields([String])
        /// The bytes of one JSON array: a query API row, its cells named by `columns`.
        case row(ArraySlice<UInt8>, columns: [String])
        /// The record could not be cut out; the reason says why.
        case unreadable(String)
    }

    /// The 1-based line on which the record starts (in its file or archive entry).
    var line: Int
    /// The record.
    var payload: Payload
}

/// A pull-based reader of raw records.
protocol RawRecordReader {
    /// The next record, or `nil` at the end of the input.
    mutating func next() throws -> RawRecord?
}
