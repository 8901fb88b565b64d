/// Which sessions the scorer sends to a model (`--model none` is ``rubricOnly``).
public enum GradingMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The rubric alone; no model is called.
    case rubricOnly = "rubric"
    /// The model grades only the sessions the rubric is unsure of (cost control).
    case modelWhenUnsure = "unsure"
    /// The model grades every session.
    case model = "all"
}

/// How the scorer imports, sessionizes and grades; the `[scorer]` table of `fixloop.toml`.
public struct ScorerSettings: Sendable, Equatable {
    /// The product context Markdown file (the user's own); `nil` grades without milestones, every score unsure.
    public var productContext: String?
    /// Minutes without an event that end a session when the export has no session id.
    public var idleGapMinutes: Int = 30
    /// Which sessions go to the model.
    public var grading: GradingMode = .rubricOnly
    /// How many malformed records an import report lists (all are counted).
    public var reportedProblems: Int = 5
    /// How many sessions are graded at once (model calls in flight), under the shared rate limiter.
    public var concurrency: Int = 8
    /// How the model grades are asked for: one call each, or one provider batch for the run.
    public var mode: ScorerMode = .direct
    /// Seconds between two polls of a submitted batch.
    public var batchPollSeconds: Double = 60
    /// The PostgreSQL URL (`postgres://user@host:port/database`) each session's score is written back to, in
    /// `fixloop_session_scores`, after grading; nil: the scores stay in the local store only. The password comes
    /// from the URL or `FIXLOOP_DATABASE_PASSWORD` (or the file `FIXLOOP_DATABASE_PASSWORD_FILE` names).
    public var writeBack: String?

    public init() {}
}

/// How the scorer asks the model (`[scorer] mode`).
public enum ScorerMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// One call per session, as they stream through the pool of graders.
    case direct
    /// The sessions that need a grade go out as one provider batch (half price, answered within hours).
    case batch
}
