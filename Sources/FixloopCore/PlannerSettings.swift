/// The planner's thresholds and limits: the `[planner]` table of `fixloop.toml`, overridable on the command line.
public struct PlannerSettings: Sendable, Hashable, Codable {
    /// A pattern with at least this many sessions gets a ticket.
    public var ticketSessions = 40
    /// …or when it reaches this share of its route's sessions (with at least ``ticketShareMinimumSessions``).
    public var ticketShare = 0.25
    /// The share rule needs at least this many sessions, so two sessions on a quiet route are not a ticket.
    public var ticketShareMinimumSessions = 10
    /// A pattern with at least this many sessions (and no ticket) gets a flag; below, it is ignored.
    public var flagSessions = 2
    /// Example sessions kept per pattern.
    public var examples = 3
    /// Suspected code locations kept per pattern.
    public var suspectedLocations = 8
    /// Hours from a fix's merge to its deploy, unless stated with `fixloop tickets deployed`.
    public var deployDelayHours = 0
    /// Days without a matching session (and the route's NPS in its usual range) that make a fix healed.
    public var healedDays = 3
    /// Length in days of each of the two windows a fix is measured over, before and after its deploy.
    public var outcomeWindowDays = 7

    public init() {}
}
