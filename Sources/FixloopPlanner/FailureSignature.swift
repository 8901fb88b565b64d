import Foundation

/// What a failure is, with its variable parts templated: the key patterns are clustered on.
///
/// Exceptions: the type, the message template and the top in-app frames (file and function, not lines).
/// Other failures: the kind, the templated route and a normalized label or model signature.
public struct FailureSignature: Sendable, Hashable, Codable {
    /// The kind of failure.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case exception
        case deadEnd = "dead_end"
        case rageClick = "rage_click"
        case deadClick = "dead_click"
        case abandonedFlow = "abandoned_flow"

        /// How much a failure of this kind hurts, 0–1 (the severity in the impact).
        public var severity: Double {
            switch self {
            case .exception: return 1.0
            case .deadEnd: return 0.7
            case .rageClick: return 0.6
            case .abandonedFlow: return 0.5
            case .deadClick: return 0.4
            }
        }

        /// Words for people: `exception`, `dead end`, …
        public var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
    }

    public var kind: Kind
    /// The route template where it happened (for exceptions: informative, not part of the fingerprint).
    public var route: String
    /// The exception type, or the element label / model signature for the other kinds.
    public var subject: String
    /// The message template (exceptions) or the normalized text; empty when there is none.
    public var template: String
    /// `file:function` of the top in-app frames, innermost first.
    public var frames: [String]

    public init(kind: Kind, route: String, subject: String, template: String, frames: [String] = []) {
        self.kind = kind
        self.route = route
        self.subject = subject
        self.template = template
        self.frames = frames
    }

    /// A stable 16-hex-digit hash of what identifies the failure, the same in every run and every week.
    public var fingerprint: String {
        let key: String
        switch kind {
        case .exception: key = ["exception", subject, template, frames.joined(separator: ",")].joined(separator: "|")
        default: key = [kind.rawValue, route, subject, template].joined(separator: "|")
        }
        return Self.stableHash(key)
    }

    /// One line: `CheckoutError: charge of <num> is above … at shop/checkout.py:charge`.
    public var text: String {
        switch kind {
        case .exception:
            let at = frames.first.map { " at \($0)" } ?? ""
            return "\(subject): \(template)\(at)"
        default:
            let detail = template.isEmpty ? subject : template
            return "\(kind.words) on \(route): \(detail)"
        }
    }

    /// FNV-1a, 64 bits, as 16 hex digits: the same in every process (Swift's `Hasher` is seeded per run).
    public static func stableHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
