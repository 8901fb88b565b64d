/// The kinds of session the generator writes, each with a known outcome the rubric should see.
public enum SessionArchetype: String, Sendable, Hashable, CaseIterable, Codable {
    /// Browses products, adds one, pays, looks at the order: goal reached, no friction.
    case purchase
    /// Looks at a few pages and leaves: no milestone, no friction.
    case browse
    /// Reaches checkout, the payment throws, a rage click, and the user leaves within seconds.
    case errorDropOff
    /// Pays in the end, after dead clicks, a rage click and a handled error.
    case frustratedPurchase
    /// One page and gone.
    case bounce

    /// How often each archetype is drawn, out of 100.
    static let weights: [(SessionArchetype, Int)] = [
        (.purchase, 35), (.browse, 30), (.errorDropOff, 12), (.frustratedPurchase, 13), (.bounce, 10),
    ]
}

/// What the generator wrote for one session: its id, its archetype and how many events it has.
public struct GeneratedSession: Sendable, Hashable, Codable {
    /// The `$session_id` written (also the id the sessionizer gives it, unless the session was written without one).
    public var sessionID: String
    /// The kind of session.
    public var archetype: SessionArchetype
    /// Events written for it, duplicates not counted.
    public var eventCount: Int
    /// Whether its events were written without `$session_id` (as a server SDK sends them).
    public var withoutSessionID: Bool
}
