import CLibgit2
import Foundation

extension GitRepository {
    /// Connects to `url` for a push, reads the remote `refs/heads/<branch>` (`git_remote_ls`) and, only when it
    /// still points at `lease`, pushes the local branch over it (a forced refspec) on the same connection.
    /// - Throws: ``GitError`` when the local branch is not at `head`, or the connection or push fails.
    func pushWithLease(
        branch: String, lease: String, url: String, callbacks box: RemoteCallbacks, head: String
    ) throws -> BranchUpdate.Push {
        var local = git_oid()
        guard git_reference_name_to_id(&local, pointer, "refs/heads/\(branch)") == 0, hex(local) == head else {
            throw GitError(.push, "The local branch \(branch) in \(path) is not at \(head); rebase again before pushing.")
        }
        var remote: OpaquePointer?
        try gitCheck(git_remote_create_anonymous(&remote, pointer, url), .push, "preparing a push to \(url)")
        defer { git_remote_free(remote) }
        var callbacks = box.makeCallbacks()
        let connected = withExtendedLifetime(box) { git_remote_connect(remote, GIT_DIRECTION_PUSH, &callbacks, nil, nil) }
        if connected < 0 {
            throw box.explain(GitError.fromLibgit2(code: connected, kind: .push, what: "connecting to \(url)"), remote: url)
        }
        defer { git_remote_disconnect(remote) }
        let found = try remoteBranch(branch, of: remote, url: url)
        guard found == lease else { return .leaseLost(expected: lease, found: found) }
        var options = git_push_options()
        git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION))
        options.callbacks = box.makeCallbacks()
        let refspec = "+refs/heads/\(branch):refs/heads/\(branch)"
        let code = withExtendedLifetime(box) { withStrArray([refspec]) { git_remote_push(remote, &$0, &options) } }
        if let rejected = box.rejectedRefs.first {
            throw GitError(.pushRejected,
                "The remote \(url) rejected \(rejected.ref): \(rejected.reason); check branch protection and hooks on the remote.")
        }
        if code < 0 {
            throw box.explain(GitError.fromLibgit2(code: code, kind: .push, what: "pushing \(branch) to \(url)"), remote: url)
        }
        return .pushed(head: head)
    }

    /// The commit the connected remote advertises for `refs/heads/<branch>`, or nil when it has no such branch.
    private func remoteBranch(_ branch: String, of remote: OpaquePointer?, url: String) throws -> String? {
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try gitCheck(git_remote_ls(&heads, &count, remote), .push, "listing the branches of \(url)")
        guard let heads else { return nil }
        for index in 0..<count {
            guard let head = heads[index], String(cString: head.pointee.name) == "refs/heads/\(branch)" else { continue }
            return hex(head.pointee.oid)
        }
        return nil
    }
}
