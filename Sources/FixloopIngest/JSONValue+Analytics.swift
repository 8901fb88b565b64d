import FixloopCore

// The import fast path's view of FixloopCore's `JSONValue`: the readers analytics properties need, and writers
// that build JSON text byte by byte (no `JSONEncoder`), one sorted for hashing and golden files, one compact for
// storage.
extension JSONValue {
    /// The number, if this is a number or a string that holds one (analytics SDKs send numbers as either).
    public var numberValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        case .string(let value): return Double(value)
        default: return nil
        }
    }

    /// The Boolean, if this is a Boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// A scalar as text (a string as is, a whole number without a fraction); `nil` for null, arrays and objects.
    public var scalarText: String? {
        switch self {
        case .string(let value): return value
        case .integer(let value): return String(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
            return String(value)
        case .bool(let value): return value ? "true" : "false"
        default: return nil
        }
    }
}

extension JSONValue {
    /// Compact JSON text with object keys sorted, so equal values always give equal bytes: what the export
    /// generator writes. Unlike ``serialized()`` it needs no encoder, so it stays cheap per event.
    public func canonicalJSON() -> String {
        var output = ""
        writeCanonical(to: &output)
        return output
    }

    /// Appends ``canonicalJSON()`` to `output`.
    public func writeCanonical(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .integer(let value): output += String(value)
        case .number(let value): Self.writeNumber(value, to: &output)
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.writeCanonical(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                Self.writeString(key, to: &output)
                output += ":"
                members[key]!.writeCanonical(to: &output)
            }
            output += "}"
        }
    }

    private static func writeNumber(_ value: Double, to output: inout String) {
        if value.rounded() == value, abs(value) < 1e15 {
            output += String(Int64(value))
        } else if value.isFinite {
            output += String(value)
        } else {
            output += "null"
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
    /// Compact JSON as UTF-8 bytes, object keys in the dictionary's own order: the fast form for storage, where
    /// equal values need not give equal bytes (use ``canonicalJSON()`` for hashing and golden files).
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
        case .integer(let value): output.append(contentsOf: String(value).utf8)
        case .number(let value):
            var text = ""
            Self.writeNumber(value, to: &text)
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
