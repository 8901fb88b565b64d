import FixloopCore
import Foundation

/// The `pull_request` payload's merge fields, decoded on their own so the triggers' payload stays as it is.
struct MergedPullRequestPayload: Decodable {
    struct PullRequest: Decodable {
        var htmlUrl: String?
        var merged: Bool?
        var mergedAt: String?
        var mergeCommitSha: String?
    }
    var action: String?
    var pullRequest: PullRequest?
}

extension TriggerDecision {
    /// The merge a `pull_request` delivery reports (`closed` with `merged: true`), or nil for any other event.
    /// Pure: the event name and raw body in.
    public static func merge(event: String, body: Data) -> PullRequestMerge? {
        guard event == "pull_request" else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let payload = try? decoder.decode(MergedPullRequestPayload.self, from: body), payload.action == "closed",
              let pull = payload.pullRequest, pull.merged == true, let url = pull.htmlUrl,
              let at = pull.mergedAt.flatMap({ ISO8601DateFormatter().date(from: $0) }) else { return nil }
        return PullRequestMerge(pullRequest: url, commit: pull.mergeCommitSha, mergedAt: at, source: .webhook)
    }
}
