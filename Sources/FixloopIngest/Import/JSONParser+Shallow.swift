import FixloopCore
import Foundation

/// Shallow parsing: one member of an object kept as its bytes, and only a few of that member's own members
/// decoded. The importer stores an event's properties as they came instead of building and re-serializing a
/// dictionary of every property; the bytes are still checked to be valid JSON, as strictly as ``parse(_:)``.
extension JSONParser {
    /// An object read shallowly.
    struct ShallowObject {
        /// The members in order, except the one kept as bytes (when it was an object). A handful: searched
        /// rather than hashed into a dictionary.
        var members: [(name: String, value: JSONValue)]
        /// The bytes of the member kept raw, when it was an object.
        var raw: [UInt8]?
        /// The raw object's members whose names were asked for, decoded.
        var selected: [String: JSONValue]
        /// The raw object cut in two when asked to and when some of its members belong to the session's
        /// ``EventContext``: the event's own members and the context's, each an object of the members' bytes as
        /// they came, in their order. Nothing is decoded or re-encoded. `nil` when no member is context, or when
        /// a member's name is written with escapes (which the cut does not decode).
        var split: (own: [UInt8], context: [UInt8], contextHash: UInt64)?

        /// The member named `name` (the last, when repeated).
        func member(_ name: String) -> JSONValue? { members.last { $0.name == name }?.value }

        /// A member as text: a string, or a number written without a fraction (as `Dictionary.text`).
        func text(_ name: String) -> String? { member(name)?.nonEmptyText }
    }

    /// Parses `bytes` as one JSON object, keeping its member `rawKey` as bytes when that member is an object and
    /// decoding from it only the members named in `wanted`. A repeated name keeps its last value, as in
    /// ``parse(_:)``.
    /// - Returns: `nil` when the value is not an object.
    /// - Throws: ``Failure`` when the text is not valid JSON.
    static func parseShallow(
        _ bytes: ArraySlice<UInt8>, keepingRaw rawKey: String, decoding wanted: WantedNames
    ) throws(Failure) -> ShallowObject? {
        var none: ContextInterner?
        return try parseShallow(bytes, keepingRaw: rawKey, decoding: wanted, splittingContext: &none)
    }

    /// As ``parseShallow(_:keepingRaw:decoding:)``, and with `contexts` the raw member is cut into the event's own
    /// members and its ``EventContext`` (``ShallowObject/split``).
    static func parseShallow(
        _ bytes: ArraySlice<UInt8>, keepingRaw rawKey: String, decoding wanted: WantedNames,
        splittingContext contexts: inout ContextInterner?
    ) throws(Failure) -> ShallowObject? {
        let result = bytes.withUnsafeBufferPointer { buffer -> Result<ShallowObject?, Failure> in
            var parser = JSONParser(buffer: buffer)
            do throws(Failure) {
                parser.skipWhitespace()
                guard parser.position < buffer.count, buffer[parser.position] == UInt8(ascii: "{") else {
                    return .success(nil)
                }
                let object = try parser.shallowObject(rawKey: rawKey, wanted: wanted, contexts: &contexts)
                parser.skipWhitespace()
                guard parser.position == buffer.count else { throw parser.failure("unexpected text after the value") }
                return .success(object)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private mutating func shallowObject(
        rawKey: String, wanted: WantedNames, contexts: inout ContextInterner?
    ) throws(Failure) -> ShallowObject {
        position += 1
        var object = ShallowObject(members: [], raw: nil, selected: [:], split: nil)
        // An export record has a handful of top-level members: one allocation rather than one per doubling.
        object.members.reserveCapacity(8)
        skipWhitespace()
        if position < buffer.count, buffer[position] == UInt8(ascii: "}") {
            position += 1
            return object
        }
        while true {
            let key = try memberName()
            if key == rawKey, buffer[position] == UInt8(ascii: "{") {
                let start = position
                if contexts != nil {
                    // The interner lends the spans' storage, so it is allocated once per import, not per event.
                    var spans: MemberSpans? = MemberSpans(storage: contexts!.lendSpans())
                    object.selected = try selectedMembers(wanted, depth: 2, spans: &spans)
                    object.split = spans?.split(buffer, contexts: &contexts!)
                    contexts!.takeBack(spans!)
                } else {
                    var none: MemberSpans?
                    object.selected = try selectedMembers(wanted, depth: 2, spans: &none)
                }
                object.raw = object.split == nil ? Array(buffer[start..<position]) : nil
                object.members.removeAll { $0.name == rawKey }
            } else {
                if key == rawKey { (object.raw, object.selected, object.split) = (nil, [:], nil) }
                object.members.append((key, try value(depth: 1)))
            }
            if try endOfMember(closing: UInt8(ascii: "}")) { return object }
        }
    }

    /// The members of the object at `position` whose names are in `wanted`, decoded; the others only checked.
    private mutating func selectedMembers(
        _ wanted: WantedNames, depth: Int, spans: inout MemberSpans?
    ) throws(Failure) -> [String: JSONValue] {
        guard depth <= Self.maximumDepth else { throw failure("nested too deeply") }
        position += 1
        var selected: [String: JSONValue] = [:]
        skipWhitespace()
        if position < buffer.count, buffer[position] == UInt8(ascii: "}") {
            position += 1
            return selected
        }
        while true {
            skipWhitespace()
            guard position < buffer.count, buffer[position] == UInt8(ascii: "\"") else {
                throw failure("expected a member name")
            }
            let nameStart = position + 1
            let escaped = try skipString()
            let name = UnsafeBufferPointer(rebasing: buffer[nameStart..<(position - 1)])
            let match: String?
            let isContext: Bool
            if escaped {
                // An escaped name: decode it to compare.
                var decoder = JSONParser(buffer: buffer)
                decoder.position = nameStart - 1
                let decoded = try decoder.string()
                match = wanted.names.contains(decoded) ? decoded : nil
                isContext = false
            } else {
                let kind = wanted.classify(name)
                match = kind.wanted.map { wanted.names[$0] }
                isContext = kind.context
            }
            try expectColon()
            if let match {
                selected[match] = try value(depth: depth)
            } else {
                try skipValue(depth: depth)
            }
            if spans != nil {
                if escaped {
                    spans!.escapedName = true
                } else {
                    spans!.append(nameStart - 1..<position, context: isContext)
                }
            }
            if try endOfMember(closing: UInt8(ascii: "}")) { return selected }
        }
    }

    /// Reads a member name and the colon after it, leaving `position` on the value.
    private mutating func memberName() throws(Failure) -> String {
        skipWhitespace()
        guard position < buffer.count, buffer[position] == UInt8(ascii: "\"") else {
            throw failure("expected a member name")
        }
        let key = try string()
        try expectColon()
        return key
    }

    @inline(__always)
    private mutating func expectColon() throws(Failure) {
        skipWhitespace()
        guard position < buffer.count, buffer[position] == UInt8(ascii: ":") else { throw failure("expected ':'") }
        position += 1
        skipWhitespace()
        guard position < buffer.count else { throw failure("unexpected end") }
    }

    /// After a member or element: `true` past the closing bracket, `false` past a comma.
    @inline(__always)
    private mutating func endOfMember(closing: UInt8) throws(Failure) -> Bool {
        skipWhitespace()
        guard position < buffer.count else { throw failure("unexpected end") }
        if buffer[position] == UInt8(ascii: ",") {
            position += 1
            return false
        }
        guard buffer[position] == closing else {
            throw failure(closing == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
        }
        position += 1
        return true
    }

    /// Moves past one value, checking it as strictly as ``value(depth:)`` would, without building it.
    private mutating func skipValue(depth: Int) throws(Failure) {
        guard position < buffer.count else { throw failure("unexpected end") }
        switch buffer[position] {
        case UInt8(ascii: "{"), UInt8(ascii: "["): try skipContainer(depth: depth + 1)
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
        default: throw failure("unexpected character")
        }
    }

    private mutating func skipContainer(depth: Int) throws(Failure) {
        guard depth <= Self.maximumDepth else { throw failure("nested too deeply") }
        let isObject = buffer[position] == UInt8(ascii: "{")
        let closing = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        position += 1
        skipWhitespace()
        if position < buffer.count, buffer[position] == closing {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            if isObject {
                guard position < buffer.count, buffer[position] == UInt8(ascii: "\"") else {
                    throw failure("expected a member name")
                }
                try skipString()
                try expectColon()
            }
            try skipValue(depth: depth)
            if try endOfMember(closing: closing) { return }
        }
    }

    /// Moves past a string, checking its escapes and that it holds no control characters.
    /// - Returns: Whether the string had an escape.
    @discardableResult
    private mutating func skipString() throws(Failure) -> Bool {
        position += 1
        var escaped = false
        while true {
            skipPlainStringBytes()
            guard position < buffer.count else { break }
            let byte = buffer[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return escaped
            }
            guard byte == UInt8(ascii: "\\") else { throw failure("control character in a string") }
            position += 1
            escaped = true
            try skipEscape()
        }
        throw failure("unterminated string")
    }

}

/// Where an object's members lie in the text, and which belong to the ``EventContext``, so the object can be cut
/// in two by copying bytes.
struct MemberSpans {
    fileprivate(set) var spans: [(range: Range<Int>, context: Bool)]

    init(storage: [(range: Range<Int>, context: Bool)] = []) { spans = storage }
    private var ownBytes = 0
    private var contextBytes = 0
    /// A member's name had escapes: it was not classified, so the object is not cut.
    var escapedName = false

    mutating func append(_ range: Range<Int>, context: Bool) {
        spans.append((range, context))
        if context { contextBytes += range.count + 1 } else { ownBytes += range.count + 1 }
    }

    /// The own and the context members as two objects, or `nil` when there is nothing to cut. The context is
    /// taken from `contexts` when an equal one was cut lately, so the events of a session share one copy.
    func split(
        _ buffer: UnsafeBufferPointer<UInt8>, contexts: inout ContextInterner
    ) -> (own: [UInt8], context: [UInt8], contextHash: UInt64)? {
        guard !escapedName, contextBytes > 0 else { return nil }
        let own = Self.object(ownBytes + 1, of: spans, context: false, in: buffer)
        let (context, hash) = contexts.intern(capacity: contextBytes + 1) { Self.write(spans, context: true, from: buffer, to: $0) }
        return (own, context, hash)
    }

    /// An object of the members of one kind, `count` bytes long (the members' bytes and a separator or brace each,
    /// plus the opening brace).
    private static func object(
        _ count: Int, of spans: [(range: Range<Int>, context: Bool)], context: Bool, in buffer: UnsafeBufferPointer<UInt8>
    ) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: max(2, count)) { target, initialized in
            initialized = write(spans, context: context, from: buffer, to: target)
        }
    }

    /// Writes `{`, the members of one kind separated by commas, and `}` to `target`; returns the bytes written.
    @discardableResult
    static func write(
        _ spans: [(range: Range<Int>, context: Bool)], context: Bool, from buffer: UnsafeBufferPointer<UInt8>,
        to target: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        let base = target.baseAddress!
        var count = 1
        base[0] = UInt8(ascii: "{")
        for span in spans where span.context == context {
            if count > 1 {
                base[count] = UInt8(ascii: ",")
                count += 1
            }
            (base + count).update(from: buffer.baseAddress! + span.range.lowerBound, count: span.range.count)
            count += span.range.count
        }
        base[count] = UInt8(ascii: "}")
        return count + 1
    }
}

/// The names of the members a shallow parse decodes, looked up in one table with the ``EventContext`` names, so
/// each member costs one look-up. Create it once (a static): its tables are never freed.
struct WantedNames: @unchecked Sendable {
    let names: [String]
    private let table: NameTable
    /// Per name in `table`: the index in `names` plus one (0 when not wanted), and 1 << 8 when it is context.
    private let kinds: UnsafeMutableBufferPointer<Int>

    init(_ names: [String]) {
        self.names = names
        let all = names + EventContext.names.filter { !names.contains($0) }
        table = NameTable(names: all)
        kinds = .allocate(capacity: all.count)
        let context = Set(EventContext.names)
        for (index, name) in all.enumerated() {
            kinds[index] = (index < names.count ? index + 1 : 0) | (context.contains(name) ? 1 << 8 : 0)
        }
    }

    /// The index in `names` of the member named by the raw bytes `name`, and whether it is context.
    func classify(_ name: UnsafeBufferPointer<UInt8>) -> (wanted: Int?, context: Bool) {
        guard let index = table.index(of: name) else { return (nil, EventContext.hasContextPrefix(name)) }
        let kind = kinds[index]
        return (kind & 0xFF == 0 ? nil : (kind & 0xFF) - 1, kind & (1 << 8) != 0)
    }
}
