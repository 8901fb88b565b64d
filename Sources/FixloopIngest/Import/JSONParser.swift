import FixloopCore
/// A JSON parser from bytes straight to ``JSONValue``: no intermediate objects, no `Decoder` machinery.
///
/// RFC 8259, strict: one value, whitespace around it, nesting up to 512 levels. Invalid UTF-8 inside strings is
/// replaced, as `String(decoding:as:)` does.
struct JSONParser {
    /// Why a text is not JSON, with the byte offset.
    struct Failure: Error, Equatable {
        var offset: Int
        var reason: String
    }

    static let maximumDepth = 512

    /// Parses `bytes` as exactly one JSON value.
    static func parse(_ bytes: some Collection<UInt8>) throws(Failure) -> JSONValue {
        let array = bytes as? [UInt8] ?? Array(bytes)
        let result = array.withUnsafeBufferPointer { buffer -> Result<JSONValue, Failure> in
            do throws(Failure) { return .success(try parse(buffer: buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses the bytes in `buffer` as exactly one JSON value.
    static func parse(buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> JSONValue {
        var parser = JSONParser(buffer: buffer)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == buffer.count else { throw parser.failure("unexpected text after the value") }
        return value
    }

    let buffer: UnsafeBufferPointer<UInt8>
    var position = 0

    init(buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

    func failure(_ reason: String) -> Failure { Failure(offset: position, reason: reason) }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < buffer.count, buffer[position].isJSONWhitespace { position += 1 }
    }

    mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard position < buffer.count else { throw failure("unexpected end") }
        switch buffer[position] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard position + count <= buffer.count else { throw failure("unexpected end") }
        for index in 0..<count where buffer[position + index] != word.utf8Start[index] {
            throw failure("unexpected character")
        }
        position += count
    }

    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw failure("nested too deeply") }
        position += 1
        // Pairs first, then one dictionary of the right size (a growing dictionary rehashes on every resize).
        var members: [(String, JSONValue)] = []
        skipWhitespace()
        if position < buffer.count, buffer[position] == UInt8(ascii: "}") {
            position += 1
            return .object([:])
        }
        while true {
            skipWhitespace()
            guard position < buffer.count, buffer[position] == UInt8(ascii: "\"") else {
                throw failure("expected a member name")
            }
            let key = try string()
            skipWhitespace()
            guard position < buffer.count, buffer[position] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            position += 1
            skipWhitespace()
            members.append((key, try value(depth: depth)))
            skipWhitespace()
            guard position < buffer.count else { throw failure("unexpected end") }
            if buffer[position] == UInt8(ascii: ",") {
                position += 1
            } else if buffer[position] == UInt8(ascii: "}") {
                position += 1
                return .object(Dictionary(members, uniquingKeysWith: { _, last in last }))
            } else {
                throw failure("expected ',' or '}'")
            }
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw failure("nested too deeply") }
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < buffer.count, buffer[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth))
            skipWhitespace()
            guard position < buffer.count else { throw failure("unexpected end") }
            if buffer[position] == UInt8(ascii: ",") {
                position += 1
            } else if buffer[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            } else {
                throw failure("expected ',' or ']'")
            }
        }
    }

    mutating func string() throws(Failure) -> String {
        position += 1
        let start = position
        // Fast path: no escapes.
        skipPlainStringBytes()
        if position < buffer.count {
            let byte = buffer[position]
            if byte == UInt8(ascii: "\"") {
                defer { position += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self)
            }
            if byte < 0x20 { throw failure("control character in a string") }
        }
        var bytes = Array(buffer[start..<position])
        while position < buffer.count {
            let byte = buffer[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\\"): try escape(into: &bytes)
            case 0..<0x20: throw failure("control character in a string")
            default: bytes.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    /// Moves `position` to the next byte that ends a string's plain run: a quote, a backslash or a control
    /// character (or the end), sixteen bytes at a time while none is in sight.
    @inline(__always)
    mutating func skipPlainStringBytes() {
        if let base = buffer.baseAddress {
            let quote = SIMD16<UInt8>(repeating: UInt8(ascii: "\""))
            let backslash = SIMD16<UInt8>(repeating: UInt8(ascii: "\\"))
            let space = SIMD16<UInt8>(repeating: 0x20)
            while position + 16 <= buffer.count {
                let bytes = UnsafeRawPointer(base + position).loadUnaligned(as: SIMD16<UInt8>.self)
                if any((bytes .== quote) .| (bytes .== backslash) .| (bytes .< space)) { break }
                position += 16
            }
        }
        while position < buffer.count {
            let byte = buffer[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return }
            position += 1
        }
    }

    /// Moves past one escape (after its backslash), checking it, without writing what it stands for.
    mutating func skipEscape() throws(Failure) { _ = try escapedScalar() }

    /// Reads one escape (after its backslash) and appends the UTF-8 of what it stands for.
    mutating func escape(into bytes: inout [UInt8]) throws(Failure) {
        let scalar = try escapedScalar()
        if scalar < 0x80 {
            bytes.append(UInt8(scalar))
        } else {
            let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
            bytes.append(contentsOf: String(character).utf8)
        }
    }

    /// The scalar value one escape (after its backslash) stands for: a surrogate pair is joined, a lone surrogate
    /// is given as it is (and becomes U+FFFD when decoded).
    private mutating func escapedScalar() throws(Failure) -> UInt32 {
        guard position < buffer.count else { throw failure("unterminated string") }
        let byte = buffer[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return UInt32(byte)
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"):
            let scalar = try hex4()
            guard (0xD800..<0xDC00).contains(scalar), position + 1 < buffer.count, buffer[position] == UInt8(ascii: "\\"),
                buffer[position + 1] == UInt8(ascii: "u")
            else { return scalar }
            position += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("invalid surrogate pair") }
            return 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        default: throw failure("invalid escape")
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard position + 4 <= buffer.count else { throw failure("unterminated string") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = buffer[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// A plain integer of up to 18 digits as `.integer` (as `JSONDecoder` gives it), any other number as `.number`.
    private mutating func number() throws(Failure) -> JSONValue {
        let start = position
        let (integer, simple) = try scanNumber()
        if simple { return .integer(Int(buffer[start] == UInt8(ascii: "-") ? -integer : integer)) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self)
        guard let value = Double(text) else { throw failure("invalid number") }
        return .number(value)
    }

    /// Moves past one number, checking its grammar; returns its value when it is a plain integer of up to 18 digits.
    mutating func scanNumber() throws(Failure) -> (integer: Int64, simple: Bool) {
        let start = position
        if buffer[position] == UInt8(ascii: "-") { position += 1 }
        var integer: Int64 = 0
        var digits = 0
        var simple = true
        while position < buffer.count, buffer[position] >= 0x30, buffer[position] <= 0x39 {
            if digits < 18 { integer = integer * 10 + Int64(buffer[position] - 0x30) } else { simple = false }
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw failure("invalid number") }
        if digits > 1, buffer[start + (buffer[start] == UInt8(ascii: "-") ? 1 : 0)] == 0x30 {
            throw failure("leading zero in a number")
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: ".") || buffer[position] | 0x20 == UInt8(ascii: "e") {
            simple = false
            if buffer[position] == UInt8(ascii: ".") {
                position += 1
                let fractionStart = position
                while position < buffer.count, buffer[position] >= 0x30, buffer[position] <= 0x39 { position += 1 }
                guard position > fractionStart else { throw failure("invalid number") }
            }
            if position < buffer.count, buffer[position] | 0x20 == UInt8(ascii: "e") {
                position += 1
                if position < buffer.count, buffer[position] == UInt8(ascii: "+") || buffer[position] == UInt8(ascii: "-") {
                    position += 1
                }
                let exponentStart = position
                while position < buffer.count, buffer[position] >= 0x30, buffer[position] <= 0x39 { position += 1 }
                guard position > exponentStart else { throw failure("invalid number") }
            }
        }
        return (integer, simple)
    }
}
