import FixloopCore
import Foundation

/// A push that moved a repository's default branch: the base of Fixloop's pull requests.
struct BaseMove: Sendable, Equatable {
    /// `OWNER/NAME`.
    var repository: String
    /// The branch that moved (the repository's default branch).
    var branch: String
    /// The branch's new head.
    var head: String
    /// The App installation that received the delivery.
    var installation: Int?
}

/// What a `push` delivery asks: nothing, or a look at the open Fixloop pull requests on the moved base.
enum BaseMoveDecision: Sendable, Equatable {
    case ignore(String)
    case moved(BaseMove)
}

extension TriggerDecision {
    /// A `push` to a repository's default branch moves the base of Fixloop's pull requests. GitHub sends `push` for
    /// it (a `pull_request` `synchronize` is only sent when a pull request's own head moves). Pushes to other
    /// branches, tags, deletions and Fixloop's own `fixloop/…` branches are ignored.
    /// - Returns: nil for any other event.
    static func baseMoved(event: String, body: Data) -> BaseMoveDecision? {
        guard event == "push" else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let push = try? decoder.decode(PushPayload.self, from: body) else {
            return .ignore("a push delivery Fixloop cannot read")
        }
        guard push.ref.hasPrefix("refs/heads/") else { return .ignore("a push to \(push.ref), not a branch") }
        let branch = String(push.ref.dropFirst("refs/heads/".count))
        if push.deleted == true { return .ignore("\(branch) was deleted") }
        guard branch == push.repository.defaultBranch else {
            return .ignore("a push to \(branch), not the default branch \(push.repository.defaultBranch ?? "-")")
        }
        return .moved(BaseMove(repository: push.repository.fullName, branch: branch, head: push.after, installation: push.installation?.id))
    }

    private struct PushPayload: Decodable {
        var ref: String
        var after: String
        var deleted: Bool?
        var repository: Repository
        var installation: Installation?
        struct Repository: Decodable {
            var fullName: String
            var defaultBranch: String?
        }
        struct Installation: Decodable { var id: Int }
    }
}
