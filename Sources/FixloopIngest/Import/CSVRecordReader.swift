import FixloopCore
/// Cuts a byte stream into CSV rows (RFC 4180: quoted fields, doubled quotes, newlines inside quotes).
///
/// A row longer than `maximumRowLength` bytes is skipped and reported as unreadable.
struct CSVRecordReader<Source: ByteSource>: RawRecordReader {
    private var source: Source
    private var chunk: [UInt8] = []
    private var position = 0
    private var line = 1
    private var endOfInput = false
    private let maximumRowLength: Int

    init(_ source: Source, maximumRowLength: Int = 8 * 1024 * 1024) {
        self.source = source
        self.maximumRowLength = maximumRowLength
    }

    mutating func next() throws -> RawRecord? {
        while true {
            guard let (startLine, fields, tooLong) = try readRow() else { return nil }
            if tooLong {
                return RawRecord(line: startLine, payload: .unreadable("row longer than \(maximumRowLength) bytes"))
            }
            if fields.count == 1, fields[0].isEmpty { continue }  // a blank line
            return RawRecord(line: startLine, payload: .fields(fields))
        }
    }

    private mutating func readRow() throws -> (Int, [String], Bool)? {
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var quoteJustClosed = false
        var rowLength = 0
        var sawAnything = false
        while let byte = try nextByte() {
            sawAnything = true
            rowLength += 1
            if byte == UInt8(ascii: "\n") { line += 1 }
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    inQuotes = false
                    quoteJustClosed = true
                } else if rowLength <= maximumRowLength {
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                if quoteJustClosed { field.append(byte) }  // "" inside a quoted field
                inQuotes = true
                quoteJustClosed = false
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                quoteJustClosed = false
            case UInt8(ascii: "\n"):
                if field.last == UInt8(ascii: "\r") { field.removeLast() }
                fields.append(String(decoding: field, as: UTF8.self))
                return (startLine, fields, rowLength > maximumRowLength)
            default:
                quoteJustClosed = false
                if rowLength <= maximumRowLength { field.append(byte) }
            }
        }
        guard sawAnything else { return nil }
        if field.last == UInt8(ascii: "\r") { field.removeLast() }
        fields.append(String(decoding: field, as: UTF8.self))
        return (startLine, fields, rowLength > maximumRowLength)
    }

    private mutating func nextByte() throws -> UInt8? {
        if position == chunk.count {
            guard !endOfInput, let next = try source.nextChunk() else {
                endOfInput = true
                return nil
            }
            chunk = next
            position = 0
            if line == 1, chunk.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }
        defer { position += 1 }
        return chunk[position]
    }
}
