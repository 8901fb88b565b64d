/// What a step of a fix run found, as typed values: the PR bot's progress comment shows one line per stage from
/// these (the trajectory keeps the same facts as text for people; nothing reads that text back).
public enum FixMilestone: Sendable, Equatable {
    /// The reproduction: the tests that fail because of the bug (none when no test reproduced it), and whether the
    /// model wrote them rather than the ticket naming them.
    case reproduced(tests: [String], written: Bool)
    /// One candidate ended: its number among `of`, whether its change was accepted, its last test run's counts
    /// (nil when it never ran the tests), and why it ended.
    case candidateEnded(index: Int, of: Int, accepted: Bool, tests: [TestOutcome: Int]?, reason: String)
    /// The chosen candidate verified on a fresh copy: resolved or not, the reproduction tests that still fail after
    /// the change, the tests that passed before and fail after, and the verifier's reason.
    case verified(resolved: Bool, stillFailing: [String], broken: [String], reason: String)
}
