import Foundation

/// Tells whether a session shows a pattern, with the planner's own extraction and masking: a session matches
/// when one of its failures has the kind, subject and frames of one of the pattern's signatures of the main kind,
/// and its masked message fits the signature's template (`<*>` matches any one token).
///
/// Symptoms folded into a pattern (rage clicks an exception caused) do not count, as in ``PatternStats``.
public struct PatternMatcher: Sendable {
    /// The signatures that count: the main one and the variants of the same kind.
    public let signatures: [FailureSignature]
    private let extractor = FailureExtractor()

    /// - Parameters:
    ///   - main: the pattern's main signature.
    ///   - variants: its near-duplicates (those of another kind are left out).
    public init(main: FailureSignature, variants: [FailureSignature] = []) {
        signatures = [main] + variants.filter { $0.kind == main.kind }
    }

    /// Whether `session` shows the pattern.
    public func matches(_ session: ScoredSession) -> Bool {
        extractor.failures(of: session, index: 0).contains { failure in signatures.contains { $0.matches(failure) } }
    }
}

extension FailureSignature {
    /// Whether `failure` is this signature: same kind and subject; exceptions also the same frames and a message
    /// that fits the template; other kinds the same route.
    func matches(_ failure: ObservedFailure) -> Bool {
        guard failure.kind == kind, failure.subject == subject else { return false }
        switch kind {
        case .exception:
            return failure.frames.map { "\($0.file):\($0.function)" } == frames && Self.fits(failure.masked, template: template)
        default:
            return failure.route == route && Self.fits(failure.masked, template: template)
        }
    }

    /// Token by token, `<*>` standing for any one token.
    static func fits(_ message: String, template: String) -> Bool {
        let (tokens, slots) = (message.split(separator: " "), template.split(separator: " "))
        guard tokens.count == slots.count else { return false }
        return zip(slots, tokens).allSatisfy { $0 == "<*>" || $0 == $1 }
    }
}
