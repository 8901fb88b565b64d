/// A check run as `GET /repos/{o}/{r}/commits/{ref}/check-runs` lists it; decoded with snake_case keys.
public struct GitHubCheckRun: Sendable, Equatable, Codable {
    public var id: Int
    public var name: String
    public var headSha: String
    /// `queued`, `in_progress`, `completed`, …
    public var status: String
    /// `success`, `failure`, `neutral`, `cancelled`, `skipped`, `timed_out`, `action_required`, `stale`; nil until completed.
    public var conclusion: String?
    public var htmlUrl: String?
    /// For GitHub Actions: `https://github.com/{o}/{r}/actions/runs/{run}/job/{job}`.
    public var detailsUrl: String?
    public var output: Output?
    public var app: App?

    public struct Output: Sendable, Equatable, Codable {
        public var title: String?
        public var summary: String?
        public var text: String?
        public var annotationsCount: Int?
    }

    public struct App: Sendable, Equatable, Codable {
        /// `github-actions` for Actions.
        public var slug: String?
    }

    /// The Actions run the check belongs to, read from its details URL; nil for other apps.
    public var actionsRunID: Int? {
        guard app?.slug == "github-actions" || detailsUrl?.contains("/actions/runs/") == true,
              let details = detailsUrl, let range = details.range(of: "/actions/runs/") else { return nil }
        return Int(details[range.upperBound...].prefix { $0.isNumber })
    }
}

struct GitHubCheckRunList: Decodable {
    var totalCount: Int
    var checkRuns: [GitHubCheckRun]
}

/// `GET /repos/{o}/{r}/check-runs/{id}/annotations`.
public struct GitHubCheckAnnotation: Sendable, Equatable, Codable {
    public var path: String
    public var startLine: Int?
    public var endLine: Int?
    /// `notice`, `warning` or `failure`.
    public var annotationLevel: String?
    public var title: String?
    public var message: String
    public var rawDetails: String?
}

/// A job of a GitHub Actions run, as `GET /repos/{o}/{r}/actions/runs/{id}/jobs` lists it.
public struct GitHubWorkflowJob: Sendable, Equatable, Codable {
    public var id: Int
    public var runId: Int
    public var name: String
    public var status: String
    public var conclusion: String?
    public var htmlUrl: String?
    public var steps: [Step]?

    public struct Step: Sendable, Equatable, Codable {
        public var name: String
        public var status: String
        public var conclusion: String?
        public var number: Int
    }
}

struct GitHubWorkflowJobList: Decodable {
    var totalCount: Int
    var jobs: [GitHubWorkflowJob]
}

extension GitHubCheckRun {
    /// Conclusions that mean the code or its tests failed (not a cancellation, a skip or a manual gate).
    static let failingConclusions: Set<String> = ["failure", "timed_out", "startup_failure"]
}
