import Foundation

/// A ticket the planner filed, as its store keeps it: what `fixloop tickets list|show` show and what `local:N`
/// hands the engineer.
public struct StoredTicket: Sendable, Hashable, Codable {
    public var id: Int
    public var sink: String
    public var fingerprint: String
    public var reference: String?
    public var url: String?
    public var title: String
    public var body: String
    public var labels: [String]
    public var classification: String
    public var priority: Int
    public var sessions: Int
    /// The repository the planner searched, if it was given one.
    public var repository: String?
    /// The update comments, oldest first.
    public var updates: [String]
    /// The pattern as data; nil for a ticket filed before it was kept (the next plan run fills it in).
    public var pattern: PatternEvidence?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int, sink: String, fingerprint: String, reference: String?, url: String?, title: String, body: String, labels: [String],
                classification: String, priority: Int, sessions: Int, repository: String?, updates: [String], pattern: PatternEvidence?,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.sink = sink
        self.fingerprint = fingerprint
        self.reference = reference
        self.url = url
        self.title = title
        self.body = body
        self.labels = labels
        self.classification = classification
        self.priority = priority
        self.sessions = sessions
        self.repository = repository
        self.updates = updates
        self.pattern = pattern
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
