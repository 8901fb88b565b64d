import Foundation

/// Where a person can watch a session again and open a ticket or pull request: the links the review page,
/// `fixloop sessions show` and pull-request bodies put on session ids and ticket references.
///
/// Built once from configuration (`[posthog] host` and `project_id`); with neither, session ids stay text.
public struct SessionLinks: Sendable, Hashable {
    /// PostHog's web root (`https://us.posthog.com`, `https://eu.posthog.com`, a self-hosted instance), without a
    /// trailing slash; nil when not configured.
    public let posthogHost: String?
    /// The PostHog project the sessions belong to.
    public let posthogProjectID: Int?
    /// GitHub's web root for `gh:` tickets (`https://github.com`, or a GitHub Enterprise server).
    public let githubWeb: String

    /// No replay links; `gh:` tickets on github.com.
    public static let none = SessionLinks()

    /// - Parameters:
    ///   - posthogHost: `[posthog] host`; a trailing slash is dropped.
    ///   - posthogProjectID: `[posthog] project_id`.
    ///   - githubWeb: where `gh:OWNER/NAME#N` issues live.
    public init(posthogHost: String? = nil, posthogProjectID: Int? = nil, githubWeb: String = "https://github.com") {
        self.posthogHost = posthogHost.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }.flatMap { $0.isEmpty ? nil : $0 }
        self.posthogProjectID = posthogProjectID
        self.githubWeb = githubWeb.hasSuffix("/") ? String(githubWeb.dropLast()) : githubWeb
    }

    /// Whether session ids become replay links.
    public var hasReplays: Bool { posthogHost != nil && posthogProjectID != nil }

    /// `{host}/project/{id}/replay/{session_id}`, or nil when PostHog is not configured.
    public func replayURL(sessionID: String) -> String? {
        guard let host = posthogHost, let project = posthogProjectID, !sessionID.isEmpty else { return nil }
        let id = sessionID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? sessionID
        return "\(host)/project/\(project)/replay/\(id)"
    }

    /// A ticket's page: a URL stays itself, `gh:OWNER/NAME#N` is the GitHub issue; `linear:` tickets need the URL the
    /// tracker gave (their workspace is not in the key) and `local:` ones have no page, so both are nil.
    public func ticketURL(_ reference: String) -> String? {
        if reference.hasPrefix("https://") || reference.hasPrefix("http://") { return reference }
        guard case .github(let owner, let name, let number)? = try? TicketReference(parsing: reference) else { return nil }
        return "\(githubWeb)/\(owner)/\(name)/issues/\(number)"
    }
}

/// The `[posthog]` table of `fixloop.toml`: the PostHog instance and project the sessions come from.
public struct PostHogSettings: Sendable, Equatable {
    /// `https://us.posthog.com`, `https://eu.posthog.com` or a self-hosted instance's address.
    public var host: String?
    /// The project's numeric id (in the project's URL: `/project/12345`).
    public var projectID: Int?

    /// Nothing configured.
    public init(host: String? = nil, projectID: Int? = nil) {
        self.host = host
        self.projectID = projectID
    }
}
