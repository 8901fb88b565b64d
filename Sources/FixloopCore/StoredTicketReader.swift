import Foundation

/// Reads the planner's stored tickets (`local:N`): the fix service's port onto the plan store, whichever backend
/// (SQLite, PostgreSQL) holds it.
public protocol StoredTicketReader: Sendable {
    /// The stored ticket `id` (the N of `local:N`), or nil.
    func ticket(id: Int) async throws -> StoredTicket?
    /// Every stored ticket, newest first.
    func tickets() async throws -> [StoredTicket]
}
