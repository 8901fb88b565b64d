import Foundation
import Mustache
import Synchronization

/// Records which names a render asked for and which were found at some level of the context stack.
final class LookupRecorder: Sendable {
    private let state = Mutex<(asked: Set<String>, found: Set<String>)>(([], []))

    func record(_ name: String, found: Bool) {
        state.withLock { state in
            state.asked.insert(name)
            if found { state.found.insert(name) }
        }
    }

    /// Names asked for that no level had.
    var missing: Set<String> { state.withLock { $0.asked.subtracting($0.found) } }
}

/// A context value as Mustache sees it: objects become recording parents, everything else plain Swift values.
enum PromptValue: Decodable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([PromptValue]), object([String: PromptValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([PromptValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: PromptValue].self)) }
    }

    /// Encodes a typed context and rebuilds it as values Mustache renders, recording lookups.
    static func tree<T: Encodable>(from context: T, recorder: LookupRecorder) throws -> Any {
        let data = try JSONEncoder().encode(context)
        return try JSONDecoder().decode(PromptValue.self, from: data).mustacheValue(recorder)
    }

    func mustacheValue(_ recorder: LookupRecorder) -> Any {
        switch self {
        case .null: return Optional<String>.none as Any
        case .bool(let value): return value
        case .int(let value): return value
        case .double(let value): return value
        case .string(let value): return value
        case .array(let values): return values.map { $0.mustacheValue(recorder) }
        case .object(let members): return RecordingParent(members: members.mapValues { $0.mustacheValue(recorder) }, recorder: recorder)
        }
    }
}

/// An object of the context; every lookup is recorded so that names nobody provides are caught.
struct RecordingParent: MustacheParent {
    let members: [String: Any]
    let recorder: LookupRecorder

    func child(named name: String) -> Any? {
        let value = members[name]
        recorder.record(name, found: value != nil)
        return value
    }
}
