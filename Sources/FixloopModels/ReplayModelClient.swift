import FixloopCore
import Foundation

/// Answers from a `--record` transcript, for offline demos and reproducible bug reports.
///
/// Each request must carry the same messages and tools as a recorded one not played yet: the next in recorded order
/// when it matches, else any later one that does (concurrent callers, such as the scorer grading sessions in
/// parallel, reach the model in no fixed order). When none matches, or the recording has no more replies, the call
/// fails with ``ModelError/Kind/replayDiverged`` and a message that says where the conversation parts from the next
/// recorded one.
public actor ReplayModelClient: ModelClient {
    public nonisolated let spec: ModelSpec
    private let entries: [ModelTranscriptEntry]
    private var position = 0
    private var used: [Bool]

    /// Loads a transcript.
    /// - Parameter url: the JSON-lines file written by `--record`.
    /// - Throws: ``ModelError`` of kind `configuration` when the file cannot be read or a line is not an entry.
    public init(url: URL) throws {
        spec = ModelSpec(provider: .replay, name: url.path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ModelError(kind: .configuration, model: spec.description, detail: "the recording \(url.path) cannot be read")
        }
        var loaded: [ModelTranscriptEntry] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            guard let entry = try? JSONDecoder().decode(ModelTranscriptEntry.self, from: Data(line.utf8)) else {
                throw ModelError(kind: .configuration, model: spec.description,
                                 detail: "line \(number + 1) of \(url.path) is not a transcript entry")
            }
            if entry.reply != nil { loaded.append(entry) }
        }
        entries = loaded
        used = Array(repeating: false, count: loaded.count)
    }

    /// How many recorded replies have been played.
    public var played: Int { used.filter { $0 }.count }

    public func send(_ request: ModelRequest) async throws -> ModelOutcome {
        while position < entries.count, used[position] { position += 1 }
        let calls = played + 1
        guard position < entries.count else {
            throw diverged("the recording has only \(entries.count) replies and call \(calls) was asked for")
        }
        let match = Self.difference(recorded: entries[position].request, actual: request) == nil
            ? position
            : entries.indices.first { !used[$0] && $0 > position && Self.difference(recorded: entries[$0].request, actual: request) == nil }
        guard let match else {
            let difference = Self.difference(recorded: entries[position].request, actual: request) ?? ""
            throw diverged("call \(calls) departs from the recording: \(difference)")
        }
        used[match] = true
        return .reply(entries[match].reply!)
    }

    private func diverged(_ detail: String) -> ModelError {
        ModelError(kind: .replayDiverged, model: spec.description, detail: detail)
    }

    /// Where two requests first differ, as a clause, or nil when they agree on messages and tools.
    static func difference(recorded: ModelRequest, actual: ModelRequest) -> String? {
        for index in 0..<max(recorded.messages.count, actual.messages.count) {
            guard index < recorded.messages.count else {
                return "it has \(actual.messages.count) messages where the recording has \(recorded.messages.count)"
            }
            guard index < actual.messages.count else {
                return "it has \(actual.messages.count) messages where the recording has \(recorded.messages.count)"
            }
            let expected = recorded.messages[index]
            let got = actual.messages[index]
            if expected != got {
                return "message \(index + 1) (\(got.role.rawValue)) is '\(excerpt(got.content))' where the recording has "
                    + "(\(expected.role.rawValue)) '\(excerpt(expected.content))'"
            }
        }
        let recordedTools = recorded.tools.map(\.name)
        let actualTools = actual.tools.map(\.name)
        if recordedTools != actualTools {
            return "it offers the tools \(actualTools) where the recording offered \(recordedTools)"
        }
        return nil
    }

    private static func excerpt(_ text: String) -> String {
        ModelHTTPTransport.cut(text, limit: 60)
    }
}
