/// The `[posthog]` table of `fixloop.toml`: the PostHog instance and project the sessions come from
/// (`fixloop score --posthog` pulls from it).
///
/// The same shape as the review-page branch's `PostHogSettings` (keys `host` and `project_id`); keep one of the two.
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
