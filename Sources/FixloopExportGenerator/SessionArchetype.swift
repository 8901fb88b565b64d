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
    /// Applies a discount code at checkout; the backend's guard throws `CheckoutError: charge of … is above the cart
    /// total …` (the example shop's planted bug) and the user leaves. Demo week only.
    case discountError
    /// Reaches checkout with an emptied cart; the backend throws `CheckoutError: cart is empty at checkout` (the
    /// example's rare edge case). Demo week only.
    case emptyCartError
    /// Looks for wholesale prices the shop does not offer and leaves: the wrong audience. Demo week only.
    case wrongAudience
    /// Applies a discount code at checkout and pays: the example shop after its planted bug was fixed. Demo week two
    /// only. (Last, so the cases before it keep their order and the first demo week its bytes.)
    case discountPurchase

    /// How often each archetype is drawn, out of 100, when the options give no fixed counts.
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
