import FixloopCore
import Foundation

/// The run's log: every model call, tool call, command and result, appended as JSON lines as it happens,
/// with secrets redacted. `fixloop show RUN` renders it.
public actor Trajectory {
    /// One line of the log.
    public struct Event: Sendable, Codable, Equatable {
        public var time: Date
        public var step: FixStep
        public var kind: String
        public var detail: String
    }

    public nonisolated let file: URL?
    private let secrets: [Secret]
    /// Sees every event as it is recorded (the PR bot turns steps into progress stages).
    private let observer: (@Sendable (Event) -> Void)?
    /// Sees what each step found, as typed values (the PR bot's progress comment shows them).
    private let milestones: (@Sendable (FixMilestone) -> Void)?
    public private(set) var events: [Event] = []
    private var handle: FileHandle?

    /// - Parameters:
    ///   - file: where to append; nil keeps the events in memory only.
    ///   - secrets: values removed from every line.
    ///   - observer: called with each event after redaction.
    ///   - milestones: called with what each step found (``FixMilestone``); not written to the file.
    public init(file: URL?, secrets: [Secret] = [], observer: (@Sendable (Event) -> Void)? = nil,
                milestones: (@Sendable (FixMilestone) -> Void)? = nil) {
        self.file = file
        self.secrets = secrets
        self.observer = observer
        self.milestones = milestones
    }

    /// Tells the milestone observer what a step found.
    public nonisolated func reach(_ milestone: FixMilestone) {
        milestones?(milestone)
    }

    /// Appends one event.
    public func record(_ step: FixStep, _ kind: String, _ detail: String) {
        var text = detail
        for secret in secrets { text = secret.redact(text) }
        if text.count > 20_000 { text = String(text.prefix(10_000)) + "\n… [\(text.count - 20_000) characters left out] …\n" + String(text.suffix(10_000)) }
        let event = Event(time: Date(), step: step, kind: kind, detail: text)
        events.append(event)
        observer?(event)
        guard let file else { return }
        if handle == nil {
            try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: file.path) { FileManager.default.createFile(atPath: file.path, contents: nil) }
            handle = try? FileHandle(forWritingTo: file)
            _ = try? handle?.seekToEnd()
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        if let data = try? encoder.encode(event) { try? handle?.write(contentsOf: data + Data("\n".utf8)) }
    }

    /// Reads a trajectory file back.
    public static func read(_ file: URL) throws -> [Event] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map {
            try decoder.decode(Event.self, from: Data($0.utf8))
        }
    }
}
