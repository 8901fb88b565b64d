import Foundation

/// A pattern as the plan store remembers it across runs.
public struct StoredPattern: Sendable, Hashable, Codable {
    public var fingerprint: String
    public var name: String
    public var kind: String
    public var classification: String
    /// The first session that showed it, over every run.
    public var firstSeen: Date
    /// The latest session that showed it, over every run.
    public var lastSeen: Date
    /// The sessions the latest run counted.
    public var lastSessions: Int
    /// The id of the latest run that saw it.
    public var lastPlan: Int64

    public init(fingerprint: String, name: String, kind: String, classification: String, firstSeen: Date, lastSeen: Date,
                lastSessions: Int, lastPlan: Int64) {
        self.fingerprint = fingerprint
        self.name = name
        self.kind = kind
        self.classification = classification
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.lastSessions = lastSessions
        self.lastPlan = lastPlan
    }
}
