import FixloopCore
import Foundation

/// One line of a `--record` file: a request and what came back.
public struct ModelTranscriptEntry: Sendable, Hashable, Codable {
    /// A failed call as recorded: the error's code and message (already free of secrets).
    public struct Failure: Sendable, Hashable, Codable {
        public var code: String
        public var message: String
    }

    /// 0 for the first call of the file.
    public var index: Int
    /// The model spec that answered.
    public var model: String
    /// The request sent.
    public var request: ModelRequest
    /// The reply, when there was one.
    public var reply: ModelReply?
    /// The refusal, when a budget refused the call.
    public var refusal: BudgetRefusal?
    /// The error, when the call failed.
    public var failure: Failure?

    /// Makes an entry.
    public init(index: Int, model: String, request: ModelRequest, reply: ModelReply? = nil,
                refusal: BudgetRefusal? = nil, failure: Failure? = nil) {
        self.index = index
        self.model = model
        self.request = request
        self.reply = reply
        self.refusal = refusal
        self.failure = failure
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// Appends transcript entries to a JSON-lines file, removing every known secret from each line.
public actor ModelTranscriptRecorder {
    private let handle: FileHandle
    private let secrets: [Secret]
    private var nextIndex = 0
    /// The file written.
    public nonisolated let url: URL

    /// Creates (or empties) the file, or opens it to append.
    /// - Parameters:
    ///   - url: the `--record` path, or a run's trajectory log.
    ///   - secrets: keys to redact from every line (the endpoints' API keys).
    ///   - appending: keep what the file holds and number on from it (a resumed run's log).
    /// - Throws: ``ModelError`` of kind `configuration` when the file cannot be created.
    public init(url: URL, secrets: [Secret], appending: Bool = false) throws {
        let existing = appending ? FileManager.default.contents(atPath: url.path) : nil
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard existing != nil || FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: url) else {
            throw ModelError(kind: .configuration, model: "record", detail: "the recording \(url.path) cannot be created")
        }
        if let existing {
            _ = try? handle.seekToEnd()
            nextIndex = existing.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        }
        self.handle = handle
        self.secrets = secrets
        self.url = url
    }

    /// Writes one entry, numbering it.
    /// - Throws: the encoder's or the file system's error.
    public func append(model: String, request: ModelRequest, outcome: Result<ModelOutcome, any Error>) throws {
        var entry = ModelTranscriptEntry(index: nextIndex, model: model, request: request)
        switch outcome {
        case .success(.reply(let reply)): entry.reply = reply
        case .success(.refused(let refusal)): entry.refusal = refusal
        case .failure(let error as ModelError): entry.failure = .init(code: error.code, message: error.message)
        case .failure(let error): entry.failure = .init(code: "models.unknown", message: String(describing: type(of: error)))
        }
        nextIndex += 1
        var line = String(decoding: try ModelTranscriptEntry.encoder.encode(entry), as: UTF8.self)
        for secret in secrets { line = secret.redact(line) }
        try handle.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Closes the file.
    public func close() throws { try handle.close() }
}
