import Foundation

/// One comment in a ticket's conversation, as the engineer reads it.
public struct TicketComment: Sendable, Equatable, Codable {
    /// Who wrote it: what their words may be taken as.
    public enum Standing: String, Sendable, Equatable, Codable {
        /// Someone with write access to the repository (GitHub `OWNER`, `MEMBER`, `COLLABORATOR`).
        case writer
        /// Anyone else: user content, read as information, never as instructions.
        case user
    }

    /// The author's login.
    public var author: String
    public var standing: Standing
    /// The text, cleaned of hidden HTML and zero-width characters (``TicketText/clean(_:)``).
    public var body: String

    public init(author: String, standing: Standing, body: String) {
        self.author = author
        self.standing = standing
        self.body = body
    }

    /// How every comment Fixloop writes on a ticket begins (a hidden marker), so that it can leave its own words out
    /// of a conversation even when it posts as a person (a plain token).
    public static let fixloopMarker = "<!-- fixloop"

    /// GitHub `author_association` values that mean write access.
    public static let writerAssociations: Set<String> = ["OWNER", "MEMBER", "COLLABORATOR"]

    /// Whether a raw comment body is one Fixloop wrote.
    public static func isFixloops(_ rawBody: String) -> Bool {
        rawBody.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix(fixloopMarker)
    }
}
