import FixloopCore
import Foundation

/// Keeps a Fixloop branch current with its base: fetch, count how far it is behind, rebase Fixloop's own
/// commits onto the new base (in memory, so a conflict touches nothing), and push with a lease.
///
/// The steps are separate so a round can re-run the reproduction and the tests between ``rebase(_:)`` and
/// ``push(_:lease:)``; ``run()`` does all of them at once. libgit2 has no `--force-with-lease`: the push connects,
/// reads the remote branch with `git_remote_ls`, compares it with the lease and only then pushes the forced refspec,
/// so a push that lands between that read and the push itself is overwritten (a window of one round trip).
public struct BranchUpdate: Sendable {
    /// The checkout of the branch (a workspace).
    public var checkout: GitWorkingCopy
    /// The branch to keep current; only `fixloop/…` branches are touched.
    public var branch: String
    /// The branch it is based on (`main`).
    public var base: String
    /// The remote both branches live on.
    public var remote: RepositoryReference
    /// How to authenticate to the remote.
    public var credentials: GitCredentials
    /// Fixloop's own signature: every commit between the merge base and the branch's head must carry it as
    /// author and committer, else the branch is refused (a human has pushed there).
    public var signature: GitSignature

    /// - Parameters:
    ///   - checkout: the workspace's working copy.
    ///   - branch: the `fixloop/…` branch.
    ///   - base: its base branch's name.
    ///   - remote: the remote of both.
    ///   - credentials: for fetch and push.
    ///   - signature: Fixloop's commit signature.
    public init(
        checkout: GitWorkingCopy, branch: String, base: String, remote: RepositoryReference,
        credentials: GitCredentials = .none, signature: GitSignature
    ) {
        self.checkout = checkout
        self.branch = branch
        self.base = base
        self.remote = remote
        self.credentials = credentials
        self.signature = signature
    }

    /// Where the branch stands against its base after a fetch.
    public struct State: Sendable, Equatable {
        /// The remote branch's commit when fetched: the lease of the push.
        public var branchHead: String
        /// The remote base's commit.
        public var baseHead: String
        /// Commits on the base that the branch lacks.
        public var behind: Int
        /// Commits on the branch that the base lacks.
        public var ahead: Int
    }

    /// What a rebase did.
    public enum Rebase: Sendable, Equatable {
        /// The branch already contains the base; nothing to do.
        case current(head: String)
        /// The branch's commits were replayed onto the base; the local branch and the checkout are at `head`.
        case rebased(head: String, commits: Int)
        /// Replaying met conflicts in `paths`; the local branch, the checkout and the remote are untouched.
        case conflict(paths: [String])
        /// A commit between the merge base and the head is not Fixloop's: a human has pushed here.
        case refused(commit: String, author: String)
    }

    /// What a push with a lease did.
    public enum Push: Sendable, Equatable {
        /// The remote branch now points at `head`.
        case pushed(head: String)
        /// The remote branch no longer points at the lease (someone pushed); nothing was pushed.
        case leaseLost(expected: String, found: String?)
    }

    /// The outcome of ``run()``.
    public enum Outcome: Sendable, Equatable {
        /// Not behind: nothing rebased, nothing pushed.
        case current(head: String)
        /// Rebased onto the base (`behind` commits newer) and pushed.
        case updated(head: String, behind: Int)
        /// See ``Rebase/conflict(paths:)``.
        case conflict(paths: [String])
        /// See ``Rebase/refused(commit:author:)``.
        case refused(commit: String, author: String)
        /// See ``Push/leaseLost(expected:found:)``; the rebased commits stay local only.
        case leaseLost(expected: String, found: String?)
    }

    /// Fetches the branch and the base into `refs/remotes/origin/…` and says how far apart they are.
    /// - Throws: ``GitError`` when the branch is not a `fixloop/` branch, or the fetch fails, or either branch is
    ///   missing on the remote.
    public func fetch() async throws -> State {
        guard branch.hasPrefix("fixloop/") else {
            throw GitError(.branch, "The branch '\(branch)' is not a Fixloop branch; only fixloop/… branches are rebased and pushed.")
        }
        let (branch, base, url, credentials) = (branch, base, remote.url, credentials)
        return try await checkout.withRepository { repository, cancellation in
            let callbacks = RemoteCallbacks(credentials: credentials, progress: nil, cancellation: cancellation)
            try repository.fetch(
                remoteName: nil, url: url,
                refspecs: ["+refs/heads/\(branch):refs/remotes/origin/\(branch)", "+refs/heads/\(base):refs/remotes/origin/\(base)"],
                prune: false, callbacks: callbacks)
            let branchHead = try repository.trackingCommit(branch, remote: url)
            let baseHead = try repository.trackingCommit(base, remote: url)
            let (ahead, behind) = try repository.aheadBehind(branchHead, baseHead)
            return State(branchHead: hex(branchHead), baseHead: hex(baseHead), behind: behind, ahead: ahead)
        }
    }

    /// Replays the branch's own commits (merge base to the fetched head) onto the fetched base, in memory; on
    /// success the local branch is moved to the new head and checked out. What is replayed is the remote branch as
    /// fetched, so local commits that were never pushed are replaced: rebase before the round commits.
    public func rebase(_ state: State) async throws -> Rebase {
        let (branch, signature, name) = (branch, signature, remote.url)
        return try await checkout.withRepository { repository in
            try repository.rebaseOwnCommits(
                branch: branch, head: try oid(state.branchHead), onto: try oid(state.baseHead), signature: signature,
                repositoryName: name)
        }
    }

    /// Pushes the local branch at `head` over the remote branch only if the remote branch still points at `lease`.
    public func push(_ head: String, lease: String) async throws -> Push {
        let (branch, url, credentials) = (branch, remote.url, credentials)
        return try await checkout.withRepository { repository, cancellation in
            let callbacks = RemoteCallbacks(credentials: credentials, progress: nil, cancellation: cancellation)
            return try repository.pushWithLease(branch: branch, lease: lease, url: url, callbacks: callbacks, head: head)
        }
    }

    /// Fetch, rebase when behind, push with the lease taken at the fetch.
    public func run() async throws -> Outcome {
        let state = try await fetch()
        switch try await rebase(state) {
        case .current(let head):
            return .current(head: head)
        case .conflict(let paths):
            return .conflict(paths: paths)
        case .refused(let commit, let author):
            return .refused(commit: commit, author: author)
        case .rebased(let head, _):
            switch try await push(head, lease: state.branchHead) {
            case .pushed(let head): return .updated(head: head, behind: state.behind)
            case .leaseLost(let expected, let found): return .leaseLost(expected: expected, found: found)
            }
        }
    }
}
