import Foundation

/// A credential that can be handed around but never printed, logged or interpolated by accident.
///
/// `description` and `debugDescription` are redacted; the value is reachable only through ``reveal()``,
/// which call sites use at the one place the credential goes on the wire.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    /// Wraps a credential.
    /// - Parameter value: the token or key; an empty string is allowed but usually means "unset".
    public init(_ value: String) { self.value = value }

    /// The credential itself, for the single place it is sent.
    public func reveal() -> String { value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "Secret(<redacted>)" }

    /// Replaces every occurrence of this secret in `text` with `<redacted>`.
    /// - Parameter text: text that may contain the secret (a server reply, a URL, a log line).
    /// - Returns: the text with the secret removed; unchanged when the secret is shorter than 4 characters.
    public func redact(_ text: String) -> String {
        guard value.count >= 4 else { return text }
        return text.replacingOccurrences(of: value, with: "<redacted>")
    }
}
