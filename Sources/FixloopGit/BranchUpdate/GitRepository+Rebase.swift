import CLibgit2
import Foundation

extension GitRepository {
    /// The commit `refs/remotes/origin/<branch>` points at after a fetch.
    func trackingCommit(_ branch: String, remote: String) throws -> git_oid {
        var id = git_oid()
        guard git_reference_name_to_id(&id, pointer, "refs/remotes/origin/\(branch)") == 0 else {
            throw GitError(.revision, "The branch '\(branch)' was not found on \(remote); check that it exists on the remote.")
        }
        return id
    }

    /// How many commits `local` has that `upstream` lacks, and the other way round.
    func aheadBehind(_ local: git_oid, _ upstream: git_oid) throws -> (ahead: Int, behind: Int) {
        var (ahead, behind) = (0, 0)
        var (one, two) = (local, upstream)
        try gitCheck(git_graph_ahead_behind(&ahead, &behind, pointer, &one, &two), .revision,
                     "comparing \(hex(local)) with \(hex(upstream)) in \(path)")
        return (ahead, behind)
    }

    /// Replays the commits between the merge base of `head` and `onto` and `head` onto `onto`, in memory; when every
    /// commit applies, moves `refs/heads/<branch>` to the result and checks it out. Commits whose author or committer
    /// is not `signature` refuse the whole rebase; a conflict leaves everything as it was.
    func rebaseOwnCommits(
        branch: String, head: git_oid, onto: git_oid, signature: GitSignature, repositoryName: String
    ) throws -> BranchUpdate.Rebase {
        let (_, behind) = try aheadBehind(head, onto)
        if behind == 0 { return .current(head: hex(head)) }
        var base = git_oid()
        var (one, two) = (head, onto)
        try gitCheck(git_merge_base(&base, pointer, &one, &two), .revision,
                     "finding where \(branch) left \(hex(onto)) in \(path)")
        let own = try commits(from: base, to: head)
        for commit in own {
            if let stranger = try stranger(commit, signature: signature) {
                return .refused(commit: stranger.commit, author: stranger.author)
            }
        }
        switch try replay(head: head, onto: onto, signature: signature) {
        case .conflict(let paths):
            return .conflict(paths: paths)
        case .replayed(let newHead):
            try moveBranch(branch, to: newHead)
            return .rebased(head: hex(newHead), commits: own.count)
        }
    }

    private enum Replay { case replayed(git_oid), conflict([String]) }

    /// libgit2's rebase in memory: no ref, index or file of the checkout is written.
    private func replay(head: git_oid, onto: git_oid, signature: GitSignature) throws -> Replay {
        let branchCommit = try annotated(head)
        defer { git_annotated_commit_free(branchCommit) }
        let upstreamCommit = try annotated(onto)
        defer { git_annotated_commit_free(upstreamCommit) }
        var options = git_rebase_options()
        git_rebase_options_init(&options, UInt32(GIT_REBASE_OPTIONS_VERSION))
        options.inmemory = 1
        var rebase: OpaquePointer?
        try gitCheck(git_rebase_init(&rebase, pointer, branchCommit, upstreamCommit, nil, &options), .branch,
                     "starting a rebase of \(hex(head)) onto \(hex(onto)) in \(path)")
        defer { git_rebase_free(rebase) }
        var committer: UnsafeMutablePointer<git_signature>?
        try gitCheck(git_signature_now(&committer, signature.name, signature.email), .commit,
                     "making the signature '\(signature.name) <\(signature.email)>'")
        defer { git_signature_free(committer) }
        var newHead = onto
        var operation: UnsafeMutablePointer<git_rebase_operation>?
        while true {
            let code = git_rebase_next(&operation, rebase)
            if code == GIT_ITEROVER.rawValue { break }
            try gitCheck(code, .branch, "replaying a commit onto \(hex(onto)) in \(path)")
            let paths = try conflictedPaths(rebase)
            if !paths.isEmpty {
                git_rebase_abort(rebase)
                return .conflict(paths)
            }
            var id = git_oid()
            let committed = git_rebase_commit(&id, rebase, nil, committer, nil, nil)
            // A commit whose change the base already has is dropped, as git rebase does.
            if committed == GIT_EAPPLIED.rawValue { continue }
            try gitCheck(committed, .commit, "committing a replayed commit in \(path)")
            newHead = id
        }
        try gitCheck(git_rebase_finish(rebase, committer), .branch, "finishing the rebase in \(path)")
        return .replayed(newHead)
    }

    private func annotated(_ oid: git_oid) throws -> OpaquePointer? {
        var id = oid
        var commit: OpaquePointer?
        try gitCheck(git_annotated_commit_lookup(&commit, pointer, &id), .revision, "reading \(hex(oid)) in \(path)")
        return commit
    }

    private func conflictedPaths(_ rebase: OpaquePointer?) throws -> [String] {
        var index: OpaquePointer?
        try gitCheck(git_rebase_inmemory_index(&index, rebase), .branch, "reading the rebase's index in \(path)")
        defer { git_index_free(index) }
        guard git_index_has_conflicts(index) == 1 else { return [] }
        var iterator: OpaquePointer?
        try gitCheck(git_index_conflict_iterator_new(&iterator, index), .branch, "listing conflicts in \(path)")
        defer { git_index_conflict_iterator_free(iterator) }
        var paths: [String] = []
        var ancestor: UnsafePointer<git_index_entry>?
        var ours: UnsafePointer<git_index_entry>?
        var theirs: UnsafePointer<git_index_entry>?
        while git_index_conflict_next(&ancestor, &ours, &theirs, iterator) == 0 {
            if let entry = ours ?? theirs ?? ancestor, let path = entry.pointee.path {
                paths.append(String(cString: path))
            }
        }
        return Array(Set(paths)).sorted()
    }

    /// The commits reachable from `head` and not from `base`, oldest first.
    private func commits(from base: git_oid, to head: git_oid) throws -> [git_oid] {
        var walk: OpaquePointer?
        try gitCheck(git_revwalk_new(&walk, pointer), .revision, "walking the history of \(path)")
        defer { git_revwalk_free(walk) }
        git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue)
        var (tip, hidden) = (head, base)
        try gitCheck(git_revwalk_push(walk, &tip), .revision, "walking from \(hex(head)) in \(path)")
        try gitCheck(git_revwalk_hide(walk, &hidden), .revision, "walking to \(hex(base)) in \(path)")
        var result: [git_oid] = []
        var id = git_oid()
        while git_revwalk_next(&id, walk) == 0 { result.append(id) }
        return result
    }

    /// The commit and its author when `commit`'s author or committer is not `signature`.
    private func stranger(_ commit: git_oid, signature: GitSignature) throws -> (commit: String, author: String)? {
        try withCommit(commit) { handle in
            for person in [git_commit_author(handle), git_commit_committer(handle)] {
                guard let person else { continue }
                let name = String(cString: person.pointee.name)
                let email = String(cString: person.pointee.email)
                if name != signature.name || email != signature.email { return (hex(commit), "\(name) <\(email)>") }
            }
            return nil
        }
    }

    /// Points `refs/heads/<branch>` at `commit`, puts HEAD on it and makes the checkout match.
    private func moveBranch(_ branch: String, to commit: git_oid) throws {
        var id = commit
        var reference: OpaquePointer?
        try gitCheck(git_reference_create(&reference, pointer, "refs/heads/\(branch)", &id, 1, "fixloop: rebase onto the base"),
                     .branch, "moving \(branch) to \(hex(commit)) in \(path)")
        git_reference_free(reference)
        try gitCheck(git_repository_set_head(pointer, "refs/heads/\(branch)"), .branch, "switching \(path) to \(branch)")
        var object: OpaquePointer?
        try gitCheck(git_object_lookup(&object, pointer, &id, GIT_OBJECT_COMMIT), .checkout, "reading \(hex(commit))")
        defer { git_object_free(object) }
        var options = git_checkout_options()
        git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue
        try gitCheck(git_reset(pointer, object, GIT_RESET_HARD, &options), .checkout, "checking out \(hex(commit)) in \(path)")
    }
}

/// An object id from its 40 hex digits.
func oid(_ text: String) throws -> git_oid {
    var id = git_oid()
    guard git_oid_fromstr(&id, text) == 0 else {
        throw GitError(.revision, "'\(text)' is not a commit id; pass the 40 hex digits a fetch returned.")
    }
    return id
}
