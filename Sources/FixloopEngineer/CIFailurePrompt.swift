import FixloopCore
import FixloopPrompts

/// `prompts/engineer/ci-failure.mustache`: a pull request's failing CI as the instructions of a CI round — the
/// failing checks' output and annotations, the failing jobs' log tails and the commands that failed.
public struct CIFailurePrompt: PromptContext, Equatable {
    public static let templateName = "engineer/ci-failure"

    public struct Check: Encodable, Sendable, Equatable {
        public var name: String
        public var conclusion: String
        public var hasTitle: Bool
        public var title: String
        public var hasSummary: Bool
        public var summary: String
        public var hasText: Bool
        public var text: String
        public var hasAnnotations: Bool
        public var annotations: [Annotation]
    }

    public struct Annotation: Encodable, Sendable, Equatable {
        /// `path:line`, or the path alone.
        public var location: String
        public var level: String
        public var message: String
    }

    public struct Job: Encodable, Sendable, Equatable {
        public var name: String
        public var hasFailedSteps: Bool
        public var failedSteps: String
        public var hasTail: Bool
        public var tail: String
        public var truncated: Bool
    }

    /// The first 12 characters of the commit.
    public var commit: String
    public var checks: [Check]
    public var hasJobs: Bool
    public var jobs: [Job]
    public var hasCommands: Bool
    public var commands: [String]
    public var hasNotes: Bool
    public var notes: [String]

    /// The most characters of a check's summary or text, and the most annotations per check, shown to the model.
    public static let maxOutput = 4_000
    public static let maxAnnotations = 50

    public init(report: CIFailureReport) {
        commit = String(report.headSHA.prefix(12))
        checks = report.checks.map { check in
            let annotations = check.annotations.prefix(Self.maxAnnotations).map { note in
                Annotation(location: note.line.map { "\(note.path):\($0)" } ?? note.path, level: note.level,
                           message: Self.fenced(note.title.map { "\($0): \(note.message)" } ?? note.message))
            }
            return Check(
                name: check.name, conclusion: check.conclusion,
                hasTitle: !(check.title ?? "").isEmpty, title: Self.fenced(check.title ?? ""),
                hasSummary: !(check.summary ?? "").isEmpty, summary: Self.cut(check.summary ?? ""),
                hasText: !(check.text ?? "").isEmpty, text: Self.cut(check.text ?? ""),
                hasAnnotations: !annotations.isEmpty, annotations: Array(annotations))
        }
        jobs = report.jobs.map { job in
            Job(name: job.name, hasFailedSteps: !job.failedSteps.isEmpty, failedSteps: job.failedSteps.joined(separator: ", "),
                hasTail: job.tail != nil, tail: Self.fenced(job.tail ?? ""), truncated: job.truncated)
        }
        hasJobs = !jobs.isEmpty
        commands = report.failingCommands.map(Self.fenced)
        hasCommands = !commands.isEmpty
        notes = report.notes
        hasNotes = !notes.isEmpty
    }

    private static func cut(_ text: String) -> String {
        let fencedText = fenced(text)
        guard fencedText.count > maxOutput else { return fencedText }
        return String(fencedText.prefix(maxOutput)) + "\n[… cut at \(maxOutput) characters]"
    }

    /// CI output goes between `~~~~` fences; a fence inside it would end the block early, so it is broken up.
    private static func fenced(_ text: String) -> String {
        text.replacingOccurrences(of: "~~~", with: "~ ~ ~")
    }
}
