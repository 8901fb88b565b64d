import FixloopCore

/// Streams the events out of a PostHog API response saved to a file: one JSON object whose `results` member holds
/// the events — the Events API's `{"next": …, "results": [{…}, …]}`, or the query API's
/// `{"columns": [...], "results": [[…], …], "hasMore": …}`, whose rows are arrays read by the names in `columns`.
///
/// The object is scanned byte by byte like ``JSONArrayReader``: members other than `results` and `columns` are
/// skipped without being decoded, and `results` is never held whole. Rows that come before `columns` (a file
/// written with its members in another order) are kept until `columns` is read.
struct ResultsEnvelopeReader<Source: ByteSource>: RawRecordReader {
    private var source: Source
    private var buffer: [UInt8] = []
    private var position = 0
    private var line = 1
    private var endOfInput = false
    private var state = State.start
    private var columns: [String]?
    private var waitingRows: [(line: Int, bytes: [UInt8])] = []
    private let maximumElementLength: Int

    private enum State { case start, members, results, draining, done }

    init(_ source: Source, maximumElementLength: Int = 8 * 1024 * 1024) {
        self.source = source
        self.maximumElementLength = maximumElementLength
    }

    /// Whether `head` (the first bytes of a stream starting with `{`) begins an object with a top-level `results`
    /// array: an API response rather than JSON lines. Looks only at the first object's own members.
    static func recognizes(_ head: [UInt8]) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        var keyStart: Int?
        var lastKey: ArraySlice<UInt8>?
        var afterColon = false
        for index in head.indices {
            let byte = head[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if let start = keyStart { lastKey = head[start..<index]; keyStart = nil }
                }
                continue
            }
            if byte.isJSONWhitespace { continue }
            if afterColon {
                afterColon = false
                if depth == 1, lastKey.map({ Array($0) == Array("results".utf8) }) == true { return byte == UInt8(ascii: "[") }
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                // A string at depth 1 that is not a value is a member's name.
                if depth == 1, !afterValueColon(head, before: index) { keyStart = index + 1 }
            case UInt8(ascii: ":"): if depth == 1 { afterColon = true }
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return false }
            default: break
            }
        }
        return false
    }

    /// Whether the last non-blank byte before `index` is a colon (the string is a value, not a name).
    private static func afterValueColon(_ head: [UInt8], before index: Int) -> Bool {
        var cursor = index - 1
        while cursor >= 0, head[cursor].isJSONWhitespace { cursor -= 1 }
        return cursor >= 0 && head[cursor] == UInt8(ascii: ":")
    }

    mutating func next() throws -> RawRecord? {
        while true {
            switch state {
            case .done: return nil
            case .draining:
                if waitingRows.isEmpty { state = .done; return nil }
                let row = waitingRows.removeFirst()
                guard let columns else {
                    waitingRows.removeAll()
                    return RawRecord(line: row.line, payload: .unreadable("rows as arrays without `columns` to name them"))
                }
                return RawRecord(line: row.line, payload: .row(row.bytes[...], columns: columns))
            case .start:
                guard let byte = try nextNonWhitespace(), byte == UInt8(ascii: "{") else {
                    state = .done
                    return RawRecord(line: line, payload: .unreadable("the file does not start with a JSON object"))
                }
                state = .members
            case .members:
                guard let byte = try nextNonWhitespace() else { return closeEarly() }
                if byte == UInt8(ascii: ",") { continue }
                if byte == UInt8(ascii: "}") { state = .draining; continue }
                guard byte == UInt8(ascii: "\""), let name = try readName(), try nextNonWhitespace() == UInt8(ascii: ":") else {
                    state = .done
                    return RawRecord(line: line, payload: .unreadable("the response object is not valid JSON"))
                }
                if name == "results" {
                    guard try nextNonWhitespace() == UInt8(ascii: "[") else {
                        state = .done
                        return RawRecord(line: line, payload: .unreadable("`results` is not an array"))
                    }
                    state = .results
                } else {
                    let value = try readValue()
                    if name == "columns", let bytes = value.bytes,
                       case .array(let names)? = try? JSONLine.decode(bytes) {
                        columns = names.map { $0.stringValue ?? "" }
                    }
                }
            case .results:
                guard let byte = try nextNonWhitespace() else { return closeEarly() }
                if byte == UInt8(ascii: ",") { continue }
                if byte == UInt8(ascii: "]") { state = .members; continue }
                position -= 1
                let start = line
                let value = try readValue()
                guard let bytes = value.bytes else {
                    return RawRecord(line: start, payload: .unreadable(value.tooLong ? "result longer than \(maximumElementLength) bytes" : "the response is cut off"))
                }
                if bytes.first == UInt8(ascii: "[") {
                    guard let columns else {
                        waitingRows.append((start, bytes))
                        continue
                    }
                    return RawRecord(line: start, payload: .row(bytes[...], columns: columns))
                }
                return RawRecord(line: start, payload: .json(bytes[...]))
            }
        }
    }

    private mutating func closeEarly() -> RawRecord {
        state = .done
        return RawRecord(line: line, payload: .unreadable("the response object is not closed"))
    }

    /// A member's name, after its opening quote.
    private mutating func readName() throws -> String? {
        var name: [UInt8] = []
        var escaped = false
        while let byte = try nextByte() {
            if escaped { escaped = false; name.append(byte); continue }
            if byte == UInt8(ascii: "\\") { escaped = true; continue }
            if byte == UInt8(ascii: "\"") { return String(decoding: name, as: UTF8.self) }
            name.append(byte)
        }
        return nil
    }

    /// The bytes of the next value (nil when it is too long, or the input ends inside it).
    private mutating func readValue() throws -> (bytes: [UInt8]?, tooLong: Bool) {
        guard let first = try nextNonWhitespace() else { return (nil, false) }
        var bytes: [UInt8] = [first]
        var tooLong = false
        var depth = first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? 1 : 0
        var inString = first == UInt8(ascii: "\"")
        var escaped = false
        if depth == 0, !inString {
            // A scalar: up to the next separator, which is left for the caller.
            while let byte = try peekByte(), !byte.isJSONWhitespace,
                  byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "]") {
                bytes.append(byte)
                position += 1
            }
            return (bytes, false)
        }
        while depth > 0 || inString {
            guard let byte = try nextByte() else { return (nil, tooLong) }
            if !tooLong {
                bytes.append(byte)
                if bytes.count > maximumElementLength { tooLong = true; bytes = [] }
            }
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return tooLong ? (nil, true) : (bytes, false)
    }

    private mutating func nextNonWhitespace() throws -> UInt8? {
        while let byte = try nextByte() {
            if byte == 0xEF || byte == 0xBB || byte == 0xBF { continue }  // a byte-order mark
            if !byte.isJSONWhitespace { return byte }
        }
        return nil
    }

    private mutating func peekByte() throws -> UInt8? {
        if position == buffer.count {
            guard try refill() else { return nil }
        }
        return buffer[position]
    }

    private mutating func nextByte() throws -> UInt8? {
        guard let byte = try peekByte() else { return nil }
        position += 1
        if byte == UInt8(ascii: "\n") { line += 1 }
        return byte
    }

    private mutating func refill() throws -> Bool {
        guard !endOfInput else { return false }
        guard let chunk = try source.nextChunk() else {
            endOfInput = true
            return false
        }
        buffer = chunk
        position = 0
        return true
    }
}
