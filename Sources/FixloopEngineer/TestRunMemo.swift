import FixloopGit
import Foundation

/// The last test run of one candidate and the tree it ran on, so a tree that did not change is not tested twice
/// (a `submit` right after a passing `run_tests` reuses that run).
///
/// The tree is the workspace's diff from HEAD (tracked changes and untracked files with their content), read with
/// libgit2: exact, and cheap next to a test run. A command the model runs may change what the diff does not show
/// (ignored files, caches), so it forgets the run.
public actor TestRunMemo {
    private var last: (tree: String, run: TestRun)?

    public init() {}

    /// The workspace's tree as compared here; nil when it cannot be read (then nothing is reused).
    public static func tree(of workspace: URL) async -> String? {
        try? await GitWorkingCopy(directory: workspace).diff(from: "HEAD").patch
    }

    /// The remembered run when `tree` is the tree it ran on.
    public func run(for tree: String?) -> TestRun? {
        guard let tree, let last, last.tree == tree else { return nil }
        return last.run
    }

    /// Remembers `run` as the result of `tree`.
    public func remember(_ run: TestRun, tree: String?) {
        last = tree.map { ($0, run) }
    }

    /// Forgets the run: something may have changed that the tree does not show.
    public func forget() { last = nil }
}
