import Foundation

/// Replaces the variable parts of a message — quoted values, URLs, emails, UUIDs, hashes, paths, ids and
/// numbers — with placeholders, so that messages differing only in values read the same.
///
/// `charge of 13.20 is above the cart total 12.00` → `charge of <num> is above the cart total <num>`.
public struct ValueMasker: Sendable {
    /// The placeholders, in the order they are applied.
    static let rules: [(pattern: String, placeholder: String)] = [
        (#"https?://[^\s'"]+"#, "<url>"),
        (#"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"#, "<email>"),
        (#"'[^']{0,80}'|"[^"]{0,80}"|`[^`]{0,80}`"#, "<str>"),
        (#"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"#, "<uuid>"),
        (#"(?:[A-Za-z]:)?(?:/[\w.@-]+){2,}/?"#, "<path>"),
        (#"\b(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{7,}\b"#, "<hash>"),
        (#"\b(?=[A-Za-z_-]*[0-9])(?=[0-9_-]*[A-Za-z])[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)+\b|\b(?=[A-Za-z]*[0-9])(?=[0-9]*[A-Za-z])[A-Za-z0-9]{6,}\b"#, "<id>"),
        (#"[-+]?\$?\d+(?:[.,]\d+)*%?"#, "<num>"),
    ]

    private let expressions: [(NSRegularExpression, String)]

    /// Compiles the rules once; a planning run masks every failure with one masker.
    public init() {
        expressions = Self.rules.map { rule in
            // The patterns are constants checked by the tests; a failure here is a programming error.
            (try! NSRegularExpression(pattern: rule.pattern), NSRegularExpression.escapedTemplate(for: rule.placeholder))
        }
    }

    /// `text` with every variable part replaced and runs of whitespace collapsed.
    public func mask(_ text: String) -> String {
        var result = text
        for (expression, template) in expressions {
            let range = NSRange(result.startIndex..., in: result)
            result = expression.stringByReplacingMatches(in: result, range: range, withTemplate: template)
        }
        return result.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Whether `token` is one of the placeholders (or Drain's wildcard).
    static func isPlaceholder(_ token: Substring) -> Bool {
        token.hasPrefix("<") && token.hasSuffix(">") || token == "<*>"
    }
}
