import Foundation

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
