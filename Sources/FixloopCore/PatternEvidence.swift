/// What the planner knows about the failure pattern behind a ticket it filed, kept as data with the ticket in the
/// local store and handed to the engineer as such (a GitHub or Linear ticket is read as text instead).
public struct PatternEvidence: Sendable, Codable, Hashable {
    /// A session that hit the pattern, as the scorer graded it.
    public struct Example: Sendable, Codable, Hashable {
        public var sessionID: String
        public var score: Int
        public var blurb: [String]

        public init(sessionID: String, score: Int, blurb: [String]) {
            self.sessionID = sessionID
            self.score = score
            self.blurb = blurb
        }
    }

    /// Code the planner's search of the repository pointed at.
    public struct Suspect: Sendable, Codable, Hashable {
        public var path: String
        public var line: Int?
        public var reason: String

        public init(path: String, line: Int?, reason: String) {
            self.path = path
            self.line = line
            self.reason = reason
        }
    }

    /// The pattern's fingerprint.
    public var pattern: String
    /// The failure's kind in words (`server error`, `client exception`, …).
    public var kind: String
    public var route: String
    /// The signature's text: kind, route and the message's template.
    public var signature: String
    /// Stack frames, innermost first.
    public var frames: [String]
    /// Messages seen in the sessions, values masked.
    public var messages: [String]
    public var examples: [Example]
    public var suspectedCode: [Suspect]

    public init(pattern: String, kind: String, route: String, signature: String, frames: [String], messages: [String],
                examples: [Example], suspectedCode: [Suspect]) {
        self.pattern = pattern
        self.kind = kind
        self.route = route
        self.signature = signature
        self.frames = frames
        self.messages = messages
        self.examples = examples
        self.suspectedCode = suspectedCode
    }

    /// The lines the engineer treats as evidence: the messages seen, then the frames.
    public var evidence: [String] { messages + frames }
}
