extension JSONValue {
    /// Compact JSON text with object keys sorted, so equal values always give equal bytes.
    public func serialized() -> String {
        var output = ""
        write(to: &output)
        return output
    }

    /// Appends the compact JSON text to `output`.
    public func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 {
                output += String(Int64(value))
            } else if value.isFinite {
                output += String(value)
            } else {
                output += "null"
            }
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                Self.writeString(key, to: &output)
                output += ":"
                members[key]!.write(to: &output)
            }
            output += "}"
        }
    }

    static func writeString(_ value: String, to output: inout String) {
        output += "\""
        // Most strings need no escaping: append them whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            output += value
            output += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}

extension JSONValue {
    /// Parses JSON text (as ``serialized()`` writes it), for adapters that store values as text.
    /// - Throws: ``ScorerError`` `scorer.unknown_format` when the text is not valid JSON.
    public init(parsing text: String) throws {
        do {
            self = try JSONLine.decode(Array(text.utf8))
        } catch {
            throw ScorerError(.unknownFormat, "A stored JSON value could not be parsed; the store may be damaged.")
        }
    }

    /// Parses JSON text given as UTF-8 bytes, for adapters that read stored text without making a `String`.
    /// - Throws: ``ScorerError`` `scorer.unknown_format` when the text is not valid JSON.
    package init(parsingUTF8 bytes: UnsafeBufferPointer<UInt8>) throws {
        do {
            self = try JSONParser.parse(buffer: bytes)
        } catch {
            throw ScorerError(.unknownFormat, "A stored JSON value could not be parsed; the store may be damaged.")
        }
    }
}

extension JSONValue {
    /// Compact JSON as UTF-8 bytes, object keys in the dictionary's own order: the fast form for storage, where
    /// equal values need not give equal bytes (use ``serialized()`` for hashing and golden files).
    public func compactBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        appendBytes(to: &output)
        return output
    }

    private func appendBytes(to output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .string(let value): Self.appendString(value, to: &output)
        case .number:
            var text = ""
            write(to: &text)
            output.append(contentsOf: text.utf8)
        case .array(let values):
            output.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                value.appendBytes(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            var first = true
            for (key, value) in members {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                Self.appendString(key, to: &output)
                output.append(UInt8(ascii: ":"))
                value.appendBytes(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func appendString(_ value: String, to output: inout [UInt8]) {
        if value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            var text = ""
            writeString(value, to: &text)
            output.append(contentsOf: text.utf8)
        } else {
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: value.utf8)
            output.append(UInt8(ascii: "\""))
        }
    }
}
