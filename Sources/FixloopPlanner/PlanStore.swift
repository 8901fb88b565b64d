import FixloopCore
import Foundation

/// The planner's store: scored sessions in (as the scorer wrote them), plans, patterns and tickets out. One
/// protocol, two implementations: `SQLitePlanStore` (the machine's file) and `PostgresPlanStore` (shared by
/// machines); `fixloop plan`, `fixloop tickets`, the demo and `fix local:N` take it from the CLI's `StoreBackend`.
public protocol PlanStore: TicketRecordStore, StoredTicketReader {
    /// Every scored session that started in `since ..< until` (nil: from the beginning), with its facts when the
    /// scorer stored them, by start then id.
    func scoredSessions(since: Date?, until: Date) async throws -> [ScoredSession]
    /// Saves a plan run and the patterns it saw (a pattern seen before keeps its first sighting).
    /// - Returns: the run's id.
    @discardableResult
    func savePlan(_ plan: PlanResult, sink: String) async throws -> Int64
    /// The most recent plan run, or nil when the planner never ran.
    func latestPlan() async throws -> PlanResult?
    /// Every plan run whose sessions overlap `start..<end` (a plan without `since` reaches back forever), oldest first.
    func plans(overlapping start: Date, _ end: Date) async throws -> [PlanResult]
    /// Every pattern a plan run saw, by fingerprint.
    func patterns() async throws -> [StoredPattern]
    /// Files a local ticket for `draft`, or returns the one already filed for its fingerprint (one per pattern,
    /// however many processes file it at once). - Returns: `local:ID`.
    func createLocalTicket(_ draft: TicketDraft) async throws -> FiledTicket
}

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

/// How a plan run is kept as JSON in `plan_run.result` (both backends): sorted keys, dates as seconds since 1970.
public enum PlanStoreJSON {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}

/// The plan store as a ticket sink: tickets are rows of `planner_ticket`, read back as `local:N`.
public struct LocalTicketSink: TicketSink {
    let store: any PlanStore

    public init(store: any PlanStore) { self.store = store }

    public var name: String { "local" }
    public func find(_ draft: TicketDraft) async throws -> FiledTicket? { nil }
    public func create(_ draft: TicketDraft) async throws -> FiledTicket { try await store.createLocalTicket(draft) }
    /// The new counts are kept by ``TicketRecordStore/recordUpdate(sink:fingerprint:draft:)``.
    public func update(_ ticket: FiledTicket, draft: TicketDraft) async throws {}
}
