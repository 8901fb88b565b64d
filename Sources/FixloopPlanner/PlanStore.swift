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

/// How the planner's stores keep JSON — a plan run in `plan_run.result`, a fix's measurement in `fix_life` — on both
/// backends: sorted keys, dates as seconds since 1970.
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
