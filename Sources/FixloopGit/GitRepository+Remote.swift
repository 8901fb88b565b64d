import CLibgit2
import Foundation

extension GitRepository {
    /// Fetches `refspecs` from `url` (or the named remote's configured refspecs when `refspecs` is empty).
    /// - Parameter source: where the objects and refs are actually read, when not `url` (a ``LocalSourceView``).
    /// - Returns: the remote's default branch (`refs/heads/main`), when it advertises one.
    @discardableResult
    func fetch(
        remoteName: String?, url: String, through source: String? = nil, refspecs: [String], prune: Bool,
        callbacks box: RemoteCallbacks
    ) throws -> String? {
        var remote: OpaquePointer?
        if let remoteName {
            try gitCheck(git_remote_lookup(&remote, pointer, remoteName), .fetch, "looking up remote \(remoteName) in \(path)")
        } else {
            try gitCheck(git_remote_create_anonymous(&remote, pointer, url), .fetch, "preparing a fetch from \(url)")
        }
        defer { git_remote_free(remote) }
        if let source {
            try gitCheck(git_remote_set_instance_url(remote, source), .fetch, "preparing a fetch from \(url)")
        }
        var options = git_fetch_options()
        git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
        options.callbacks = box.makeCallbacks()
        options.prune = prune ? GIT_FETCH_PRUNE : GIT_FETCH_NO_PRUNE
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL
        let code = withExtendedLifetime(box) {
            if refspecs.isEmpty { return git_remote_fetch(remote, nil, &options, "fixloop: fetch") }
            return withStrArray(refspecs) { git_remote_fetch(remote, &$0, &options, "fixloop: fetch") }
        }
        if code < 0 {
            throw box.explain(GitError.fromLibgit2(code: code, kind: .fetch, what: "fetching \(url)"), remote: url)
        }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        guard git_remote_default_branch(&buffer, remote) == 0, let text = buffer.ptr else { return nil }
        return String(cString: text)
    }

    /// Pushes `refspecs` to the named remote or to `url`; a ref the server refuses is an error naming it.
    func push(remoteName: String?, url: String, refspecs: [String], callbacks box: RemoteCallbacks) throws {
        var remote: OpaquePointer?
        if let remoteName {
            try gitCheck(git_remote_lookup(&remote, pointer, remoteName), .push, "looking up remote \(remoteName) in \(path)")
        } else {
            try gitCheck(git_remote_create_anonymous(&remote, pointer, url), .push, "preparing a push to \(url)")
        }
        defer { git_remote_free(remote) }
        var options = git_push_options()
        git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION))
        options.callbacks = box.makeCallbacks()
        let code = withExtendedLifetime(box) {
            withStrArray(refspecs) { git_remote_push(remote, &$0, &options) }
        }
        if let rejected = box.rejectedRefs.first {
            throw GitError(.pushRejected,
                "The remote \(url) rejected \(rejected.ref): \(rejected.reason); check branch protection and hooks on the remote.")
        }
        if code < 0 {
            throw box.explain(GitError.fromLibgit2(code: code, kind: .push, what: "pushing \(refspecs.joined(separator: ", ")) to \(url)"), remote: url)
        }
    }
}
