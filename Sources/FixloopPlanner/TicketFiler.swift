import Foundation

/// A ticket on a tracker as the planner knows it.
public struct FiledTicket: Sendable, Hashable, Codable {
    /// `local:3`, `gh:o/r#12`, `linear:ENG-4`.
    public var reference: String
    /// The tracker's own id (GitHub issue number, Linear issue id), for comments.
    public var remoteID: String
    public var url: String?

    public init(reference: String, remoteID: String, url: String?) {
        self.reference = reference
        self.remoteID = remoteID
        self.url = url
    }
}

/// Where tickets go: the local store, GitHub Issues, Linear.
public protocol TicketSink: Sendable {
    /// `local`, `github:OWNER/NAME`, `linear:TEAM`: the key records are kept under.
    var name: String { get }
    /// The ticket already on the tracker for `draft` (by marker or attachment), when the store lost track of it.
    func find(_ draft: TicketDraft) async throws -> FiledTicket?
    func create(_ draft: TicketDraft) async throws -> FiledTicket
    func update(_ ticket: FiledTicket, draft: TicketDraft) async throws
}

/// What the planner remembers of filed tickets, across runs and weeks.
public protocol TicketRecordStore: Sendable {
    /// The ticket recorded for any of `fingerprints` on `sink`, with the update text it last reported.
    func ticket(sink: String, fingerprints: [String]) async throws -> (ticket: FiledTicket, reported: String)?
    /// Records a ticket filed (or found) for `draft` on `sink`.
    func record(_ ticket: FiledTicket, sink: String, draft: TicketDraft) async throws
    /// Records that the ticket now reports `draft`'s counts.
    func recordUpdate(sink: String, fingerprint: String, draft: TicketDraft) async throws
}

/// Files the ticket decisions of a plan without duplicates: a pattern recorded before is updated; one the store
/// does not know is looked up on the tracker first (a crash between creating and recording leaves it there),
/// and only then created — and recorded right after.
public struct TicketFiler: Sendable {
    public let sink: any TicketSink
    public let records: any TicketRecordStore

    public init(sink: any TicketSink, records: any TicketRecordStore) {
        self.sink = sink
        self.records = records
    }

    /// Files or updates a ticket for every `ticket` decision of `plan`.
    /// - Parameter dryRun: look up only; change nothing anywhere.
    /// - Returns: `plan` with its tickets.
    /// - Parameter repository: the repository the tickets are about (kept with local tickets for the engineer).
    public func file(_ plan: PlanResult, period: String, repository: String? = nil, dryRun: Bool = false) async throws -> PlanResult {
        var result = plan
        result.tickets = []
        for (pattern, decision) in zip(plan.patterns, plan.decisions) where decision.action == .ticket {
            try Task.checkCancellation()
            let draft = TicketDraft(pattern: pattern, decision: decision, period: period, repository: repository)
            result.tickets.append(try await file(draft, dryRun: dryRun))
        }
        return result
    }

    func file(_ draft: TicketDraft, dryRun: Bool) async throws -> TicketOutcome {
        if let (ticket, reported) = try await records.ticket(sink: sink.name, fingerprints: draft.fingerprints) {
            // The same period with the same counts says nothing new; a new week or new counts do.
            if reported == draft.updateComment { return outcome(draft, .unchanged, ticket) }
            if dryRun { return outcome(draft, .wouldUpdate, ticket) }
            try await sink.update(ticket, draft: draft)
            try await records.recordUpdate(sink: sink.name, fingerprint: draft.fingerprint, draft: draft)
            return outcome(draft, .updated, ticket)
        }
        if let ticket = try await sink.find(draft) {
            if dryRun { return outcome(draft, .wouldUpdate, ticket) }
            try await records.record(ticket, sink: sink.name, draft: draft)
            try await sink.update(ticket, draft: draft)
            return outcome(draft, .recovered, ticket)
        }
        if dryRun { return TicketOutcome(fingerprint: draft.fingerprint, sink: sink.name, action: .wouldCreate, reference: nil, url: nil) }
        let ticket = try await sink.create(draft)
        try await records.record(ticket, sink: sink.name, draft: draft)
        return outcome(draft, .created, ticket)
    }

    private func outcome(_ draft: TicketDraft, _ action: TicketOutcome.Action, _ ticket: FiledTicket) -> TicketOutcome {
        TicketOutcome(fingerprint: draft.fingerprint, sink: sink.name, action: action, reference: ticket.reference, url: ticket.url)
    }
}
