/// Why a pull request's CI failed, as a revision round reads it: the failing checks with their output and
/// annotations, the failing GitHub Actions jobs with the tail of their logs, and notes on what could not be read.
public struct CIFailureReport: Sendable, Equatable, Codable {
    /// The commit the checks ran on.
    public var headSHA: String
    /// The checks that completed with a failure, in the order the host listed them.
    public var checks: [CICheckFailure]
    /// The failing jobs of GitHub Actions runs, with their log tails.
    public var jobs: [CIJobLog]
    /// What could not be read and why (an expired log, an annotation list that failed), one sentence each.
    public var notes: [String]

    public init(headSHA: String, checks: [CICheckFailure], jobs: [CIJobLog] = [], notes: [String] = []) {
        self.headSHA = headSHA
        self.checks = checks
        self.jobs = jobs
        self.notes = notes
    }

    /// The commands the logs show failing, each once, in order of appearance.
    public var failingCommands: [String] {
        var seen = Set<String>()
        return jobs.flatMap(\.failingCommands).filter { seen.insert($0).inserted }
    }
}

/// One failing check: its name, conclusion, the output it published and its annotations.
public struct CICheckFailure: Sendable, Equatable, Codable {
    public var name: String
    /// `failure`, `timed_out`, …
    public var conclusion: String
    /// The check's page, when the host gave one.
    public var url: String?
    public var title: String?
    public var summary: String?
    public var text: String?
    public var annotations: [CIAnnotation]

    public init(
        name: String, conclusion: String, url: String? = nil, title: String? = nil, summary: String? = nil,
        text: String? = nil, annotations: [CIAnnotation] = []
    ) {
        self.name = name
        self.conclusion = conclusion
        self.url = url
        self.title = title
        self.summary = summary
        self.text = text
        self.annotations = annotations
    }
}

/// A check's note on a line of a file.
public struct CIAnnotation: Sendable, Equatable, Codable {
    public var path: String
    /// The first line it covers, when it names one.
    public var line: Int?
    /// `notice`, `warning` or `failure`.
    public var level: String
    public var title: String?
    public var message: String

    public init(path: String, line: Int?, level: String, title: String? = nil, message: String) {
        self.path = path
        self.line = line
        self.level = level
        self.title = title
        self.message = message
    }
}

/// A failing CI job and the end of its log, colour codes and timestamps removed.
public struct CIJobLog: Sendable, Equatable, Codable {
    public var name: String
    public var url: String?
    /// The steps that failed, by name.
    public var failedSteps: [String]
    /// The last lines of the log; nil when the log could not be read (see the report's notes).
    public var tail: String?
    /// True when the tail is only the end of a longer log.
    public var truncated: Bool
    /// The commands the log shows failing (`pytest -q`, `npm test`), when recognisable.
    public var failingCommands: [String]

    public init(name: String, url: String? = nil, failedSteps: [String] = [], tail: String?, truncated: Bool = false, failingCommands: [String] = []) {
        self.name = name
        self.url = url
        self.failedSteps = failedSteps
        self.tail = tail
        self.truncated = truncated
        self.failingCommands = failingCommands
    }
}
