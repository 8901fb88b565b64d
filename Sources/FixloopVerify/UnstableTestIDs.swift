import FixloopCore
import Foundation

/// Test ids whose parametrized part changes between runs (a parameter id holding the current time, a memory
/// address, a random seed): `test_x[2026-12-04 15:47:06.123]` before and `test_x[2026-12-04 15:47:09.456]` after
/// are one test.
///
/// Only ids present in one picture and absent from the other are matched, and only one-to-one: `test_x[a]` and
/// `test_x[b]` both present in both runs stay two tests, and when two absent ids share a stable part neither is
/// merged. The stable part is tried in two steps: the id with the digits inside its brackets masked, then the
/// id without its bracketed part.
public enum UnstableTestIDs {
    /// One id as `reference` spells it and as `other` did.
    public struct Match: Sendable, Equatable {
        /// The id in the reference picture.
        public var reference: String
        /// The id in the other picture.
        public var other: String
    }

    /// Pairs ids of `other` absent from `reference` with ids of `reference` absent from `other`.
    public static func matches(reference: Set<String>, other: Set<String>) -> [Match] {
        var onlyReference = reference.subtracting(other)
        var onlyOther = other.subtracting(reference)
        var found: [Match] = []
        for key in [maskedDigits, withoutParameters] {
            let left = Dictionary(grouping: onlyReference, by: key).filter { $0.key != nil && $0.value.count == 1 }
            let right = Dictionary(grouping: onlyOther, by: key).filter { $0.key != nil && $0.value.count == 1 }
            for (stable, ids) in left {
                guard let partner = right[stable]?.first else { continue }
                found.append(Match(reference: ids[0], other: partner))
                onlyReference.remove(ids[0])
                onlyOther.remove(partner)
            }
        }
        return found.sorted { $0.reference < $1.reference }
    }

    /// `other`'s outcomes with matched ids renamed to the reference's spelling.
    public static func aligned(_ outcomes: [String: TestOutcome], renaming matches: [Match]) -> [String: TestOutcome] {
        var result = outcomes
        for match in matches {
            if let outcome = result.removeValue(forKey: match.other) { result[match.reference] = outcome }
        }
        return result
    }

    /// The id with every digit run inside its bracketed part replaced by `#`; nil when it has no bracketed part.
    static func maskedDigits(_ id: String) -> String? {
        guard let open = id.firstIndex(of: "["), id.hasSuffix("]") else { return nil }
        let parameters = id[open...].replacingOccurrences(of: #"[0-9]+"#, with: "#", options: .regularExpression)
        return String(id[..<open]) + parameters
    }

    /// The id without its bracketed part; nil when it has none.
    static func withoutParameters(_ id: String) -> String? {
        guard let open = id.firstIndex(of: "["), id.hasSuffix("]") else { return nil }
        return String(id[..<open]) + "[…]"
    }
}
