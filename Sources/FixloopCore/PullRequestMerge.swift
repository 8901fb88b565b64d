import Foundation

/// A pull request that was merged: where it was learnt (webhook, API, libgit2), its merge commit and time.
public struct PullRequestMerge: Sendable, Hashable, Codable {
    /// How the merge became known.
    public enum Source: String, Sendable, Hashable, Codable {
        /// The `pull_request` closed-and-merged webhook.
        case webhook
        /// `GET /repos/{o}/{r}/pulls/{n}` (`merged_at`, `merge_commit_sha`).
        case api
        /// A local remote: the fix branch's commit reachable from the default branch (libgit2).
        case git
    }

    /// The pull request's URL, or for a branch without one `branch:REMOTE#BRANCH`.
    public var pullRequest: String
    public var commit: String?
    public var mergedAt: Date
    public var source: Source

    public init(pullRequest: String, commit: String?, mergedAt: Date, source: Source) {
        self.pullRequest = pullRequest
        self.commit = commit
        self.mergedAt = mergedAt
        self.source = source
    }
}

/// Where merges are recorded (the store); the webhook receiver writes through it.
public protocol MergeRecorder: Sendable {
    func recordMerge(_ merge: PullRequestMerge) async throws
}
