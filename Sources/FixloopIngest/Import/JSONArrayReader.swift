import FixloopCore
/// Streams the elements of one top-level JSON array without holding the array.
///
/// It tracks nesting and strings byte by byte and hands out each element's bytes. An element longer than
/// `maximumElementLength` is skipped and reported as unreadable.
struct JSONArrayReader<Source: ByteSource>: RawRecordReader {
    private var source: Source
    private var buffer: [UInt8] = []
    private var position = 0
    private var line = 1
    private var endOfInput = false
    private var openedArray = false
    private var closedArray = false
    private let maximumElementLength: Int

    init(_ source: Source, maximumElementLength: Int = 8 * 1024 * 1024) {
        self.source = source
        self.maximumElementLength = maximumElementLength
    }

    mutating func next() throws -> RawRecord? {
        guard !closedArray else { return nil }
        if !openedArray {
            guard let byte = try nextNonWhitespace() else { return nil }
            guard byte == UInt8(ascii: "[") else {
                closedArray = true
                return RawRecord(line: line, payload: .unreadable("the file does not start with a JSON array"))
            }
            openedArray = true
        }
        // Skip separators before the element.
        while true {
            guard let byte = try nextNonWhitespace() else {
                closedArray = true
                return nil
            }
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "]") {
                closedArray = true
                return nil
            }
            position -= 1
            break
        }
        return try readElement()
    }

    private mutating func readElement() throws -> RawRecord? {
        let startLine = line
        var start = position
        var depth = 0
        var inString = false
        var escaped = false
        var tooLong = false
        while true {
            if position == buffer.count {
                if position - start > maximumElementLength {
                    tooLong = true
                    start = position
                }
                let kept = start
                buffer.removeSubrange(0..<kept)
                position -= kept
                start = 0
                guard try refill() else {
                    closedArray = true
                    if tooLong { return RawRecord(line: startLine, payload: .unreadable(tooLongReason)) }
                    return RawRecord(line: startLine, payload: .unreadable("the JSON array is not closed"))
                }
            }
            let byte = buffer[position]
            if byte == UInt8(ascii: "\n") { line += 1 }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return finish(start: start, line: startLine, tooLong: tooLong) }
                    depth -= 1
                case UInt8(ascii: ","):
                    if depth == 0 { return finish(start: start, line: startLine, tooLong: tooLong) }
                default: break
                }
            }
            position += 1
        }
    }

    /// Ends the element before the separator at `position`, which is left for the next call.
    private mutating func finish(start: Int, line startLine: Int, tooLong: Bool) -> RawRecord {
        if tooLong { return RawRecord(line: startLine, payload: .unreadable(tooLongReason)) }
        var upper = position
        while upper > start, buffer[upper - 1].isJSONWhitespace { upper -= 1 }
        return RawRecord(line: startLine, payload: .json(buffer[start..<upper]))
    }

    private var tooLongReason: String { "array element longer than \(maximumElementLength) bytes" }

    private mutating func nextNonWhitespace() throws -> UInt8? {
        while true {
            if position == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                position = 0
                guard try refill() else { return nil }
            }
            let byte = buffer[position]
            position += 1
            if byte == UInt8(ascii: "\n") { line += 1 }
            if byte == 0xEF || byte == 0xBB || byte == 0xBF { continue }  // a byte-order mark
            if !byte.isJSONWhitespace { return byte }
        }
    }

    private mutating func refill() throws -> Bool {
        guard !endOfInput else { return false }
        guard let chunk = try source.nextChunk() else {
            endOfInput = true
            return false
        }
        buffer.append(contentsOf: chunk)
        return true
    }
}
