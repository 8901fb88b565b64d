import FixloopCore
import Synchronization

/// A ``CodeHost`` that keeps pull requests and comments in memory, for tests of delivery without a server.
/// Like GitHub, a second pull request for the same head updates the first.
public final class InMemoryCodeHost: CodeHost {
    public struct Comment: Sendable, Equatable {
        public var id: Int
        public var owner: String
        public var name: String
        public var issue: Int
        public var body: String
    }

    private struct State {
        var pullRequests: [PullRequestRequest] = []
        var comments: [Comment] = []
        var labels: [String: [String]] = [:]
        var reviewRequests: [String: [String]] = [:]
    }

    private let state = Mutex(State())
    /// Each repository's default branch (`OWNER/NAME` → branch); `main` when absent.
    public let defaultBranches: [String: String]

    public init(defaultBranches: [String: String] = [:], accounts: [String: CodeHostAccount] = [:], cannotReview: Set<String> = []) {
        self.defaultBranches = defaultBranches
        self.accounts = accounts
        self.cannotReview = cannotReview
    }

    /// Every pull request as last opened or updated, in the order first opened.
    public var pullRequests: [PullRequestRequest] { state.withLock { $0.pullRequests } }
    /// Labels per issue or pull request (`OWNER/NAME#N`), in the order added.
    public var labels: [String: [String]] { state.withLock { $0.labels } }
    /// Reviewers asked per pull request (`OWNER/NAME#N`), in order.
    public var reviewRequests: [String: [String]] { state.withLock { $0.reviewRequests } }
    /// The accounts ``account(login:)`` knows; others are nil.
    public let accounts: [String: CodeHostAccount]
    /// Logins that cannot review (``requestReview(owner:name:pullRequest:reviewers:)`` answers false).
    public let cannotReview: Set<String>
    /// Every comment, oldest first.
    public var comments: [Comment] { state.withLock { $0.comments } }

    public func defaultBranch(owner: String, name: String) async throws -> String {
        defaultBranches["\(owner)/\(name)"] ?? "main"
    }

    public func openOrUpdatePullRequest(_ request: PullRequestRequest) async throws -> PullRequestInfo {
        state.withLock { state in
            let url = { (number: Int) in "https://code.example/\(request.owner)/\(request.name)/pull/\(number)" }
            if let index = state.pullRequests.firstIndex(where: {
                $0.owner == request.owner && $0.name == request.name && $0.head == request.head
            }) {
                state.pullRequests[index] = request
                return PullRequestInfo(number: index + 1, url: url(index + 1), created: false)
            }
            state.pullRequests.append(request)
            return PullRequestInfo(number: state.pullRequests.count, url: url(state.pullRequests.count), created: true)
        }
    }

    @discardableResult
    public func comment(owner: String, name: String, issue: Int, body: String) async throws -> Int {
        state.withLock { state in
            let id = state.comments.count + 1
            state.comments.append(Comment(id: id, owner: owner, name: name, issue: issue, body: body))
            return id
        }
    }

    public func updateComment(owner: String, name: String, id: Int, body: String) async throws {
        state.withLock { state in
            if let index = state.comments.firstIndex(where: { $0.id == id }) { state.comments[index].body = body }
        }
    }

    public func addLabels(owner: String, name: String, issue: Int, labels: [String]) async throws {
        state.withLock { state in
            let key = "\(owner)/\(name)#\(issue)"
            state.labels[key, default: []] += labels.filter { !(state.labels[key] ?? []).contains($0) }
        }
    }

    public func requestReview(owner: String, name: String, pullRequest: Int, reviewers: [String]) async throws -> Bool {
        guard cannotReview.isDisjoint(with: reviewers) else { return false }
        state.withLock { $0.reviewRequests["\(owner)/\(name)#\(pullRequest)", default: []] += reviewers }
        return true
    }

    public func account(login: String) async throws -> CodeHostAccount? { accounts[login] }
}
