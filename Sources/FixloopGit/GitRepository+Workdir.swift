import CLibgit2
import Foundation

extension GitRepository {
    /// Status of the working tree and index against HEAD, untracked files listed one by one.
    func status(includeIgnored: Bool = false, recurse: Bool = true) throws -> [GitStatusEntry] {
        var options = git_status_options()
        git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION))
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        var flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX.rawValue
            | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        if recurse { flags |= GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue }
        if includeIgnored {
            flags |= GIT_STATUS_OPT_INCLUDE_IGNORED.rawValue
            if recurse { flags |= GIT_STATUS_OPT_RECURSE_IGNORED_DIRS.rawValue }
        }
        options.flags = flags
        var list: OpaquePointer?
        try gitCheck(git_status_list_new(&list, pointer, &options), .status, "reading the status of \(path)")
        defer { git_status_list_free(list) }
        var entries: [GitStatusEntry] = []
        for index in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, index)?.pointee else { continue }
            entries.append(contentsOf: Self.entries(from: entry))
        }
        return entries
    }

    private static func entries(from entry: git_status_entry) -> [GitStatusEntry] {
        let status = entry.status.rawValue
        func has(_ flag: git_status_t) -> Bool { status & flag.rawValue != 0 }
        var result: [GitStatusEntry] = []
        if let delta = entry.head_to_index?.pointee {
            let change: GitStatusEntry.Change = has(GIT_STATUS_INDEX_NEW) ? .added
                : has(GIT_STATUS_INDEX_DELETED) ? .deleted : has(GIT_STATUS_INDEX_RENAMED) ? .renamed
                : has(GIT_STATUS_INDEX_TYPECHANGE) ? .typeChanged : .modified
            result.append(GitStatusEntry(
                path: String(cString: delta.new_file.path),
                oldPath: change == .renamed ? String(cString: delta.old_file.path) : nil, change: change, staged: true))
        }
        if let delta = entry.index_to_workdir?.pointee {
            let change: GitStatusEntry.Change = has(GIT_STATUS_WT_NEW) ? .untracked
                : has(GIT_STATUS_WT_DELETED) ? .deleted : has(GIT_STATUS_WT_TYPECHANGE) ? .typeChanged
                : has(GIT_STATUS_IGNORED) ? .ignored : has(GIT_STATUS_CONFLICTED) ? .conflicted : .modified
            result.append(GitStatusEntry(path: String(cString: delta.new_file.path), change: change, staged: false))
        }
        return result
    }

    /// The diff from `base`'s tree to the working tree (through the index), with renames found.
    func diff(from base: git_oid) throws -> GitDiff {
        try withCommit(base) { commit in
            var tree: OpaquePointer?
            try gitCheck(git_commit_tree(&tree, commit), .diff, "reading the tree of \(hex(base))")
            defer { git_tree_free(tree) }
            var options = git_diff_options()
            git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
            options.flags = GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
                | GIT_DIFF_SHOW_UNTRACKED_CONTENT.rawValue | GIT_DIFF_SHOW_BINARY.rawValue
                | GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
            options.id_abbrev = UInt16(GIT_OID_HEXSZ)  // git apply needs full index lines for binary patches
            var diff: OpaquePointer?
            try gitCheck(git_diff_tree_to_workdir_with_index(&diff, pointer, tree, &options), .diff,
                         "comparing \(path) with \(hex(base))")
            defer { git_diff_free(diff) }
            var find = git_diff_find_options()
            git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION))
            find.flags = GIT_DIFF_FIND_RENAMES.rawValue | GIT_DIFF_FIND_FOR_UNTRACKED.rawValue
            try gitCheck(git_diff_find_similar(diff, &find), .diff, "finding renames in \(path)")
            return try Self.render(diff!)
        }
    }

    private static func render(_ diff: OpaquePointer) throws -> GitDiff {
        var patchText = ""
        var files: [GitDiff.File] = []
        for index in 0..<git_diff_num_deltas(diff) {
            var patch: OpaquePointer?
            try gitCheck(git_patch_from_diff(&patch, diff, index), .diff, "rendering a file of the diff")
            defer { git_patch_free(patch) }
            guard let delta = git_patch_get_delta(patch)?.pointee else { continue }
            var buffer = git_buf()
            defer { git_buf_dispose(&buffer) }
            try gitCheck(git_patch_to_buf(&buffer, patch), .diff, "rendering a file of the diff")
            if let text = buffer.ptr { patchText += String(cString: text) }
            var context = 0, additions = 0, deletions = 0
            git_patch_line_stats(&context, &additions, &deletions, patch)
            files.append(file(from: delta, additions: additions, deletions: deletions))
        }
        return GitDiff(patch: patchText, files: files)
    }

    private static func file(from delta: git_diff_delta, additions: Int, deletions: Int) -> GitDiff.File {
        let change: GitStatusEntry.Change
        switch delta.status {
        case GIT_DELTA_ADDED, GIT_DELTA_UNTRACKED: change = .added
        case GIT_DELTA_DELETED: change = .deleted
        case GIT_DELTA_RENAMED: change = .renamed
        case GIT_DELTA_TYPECHANGE: change = .typeChanged
        default: change = .modified
        }
        func mode(_ file: git_diff_file) -> String? {
            file.mode == 0 ? nil : String(file.mode, radix: 8)
        }
        let newPath = String(cString: delta.new_file.path)
        let oldPath = String(cString: delta.old_file.path)
        return GitDiff.File(
            path: change == .deleted ? oldPath : newPath,
            oldPath: change == .renamed ? oldPath : nil,
            change: change,
            oldMode: change == .added ? nil : mode(delta.old_file),
            newMode: change == .deleted ? nil : mode(delta.new_file),
            isBinary: delta.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0,
            additions: additions, deletions: deletions)
    }

    /// Stages every change (additions, edits, deletions; renames follow from those) and commits on HEAD.
    /// - Returns: the new commit's id.
    func commitAll(message: String, author: GitSignature) throws -> git_oid {
        var index: OpaquePointer?
        try gitCheck(git_repository_index(&index, pointer), .commit, "opening the index of \(path)")
        defer { git_index_free(index) }
        try withStrArray(["*"]) { paths in
            try gitCheck(git_index_add_all(index, &paths, GIT_INDEX_ADD_DEFAULT.rawValue, nil, nil), .commit,
                         "staging the changes in \(path)")
            try gitCheck(git_index_update_all(index, &paths, nil, nil), .commit, "staging the deletions in \(path)")
        }
        try gitCheck(git_index_write(index), .commit, "writing the index of \(path)")
        var treeID = git_oid()
        try gitCheck(git_index_write_tree(&treeID, index), .commit, "writing the tree of \(path)")
        var tree: OpaquePointer?
        try gitCheck(git_tree_lookup(&tree, pointer, &treeID), .commit, "reading the new tree of \(path)")
        defer { git_tree_free(tree) }
        var signature: UnsafeMutablePointer<git_signature>?
        try gitCheck(git_signature_now(&signature, author.name, author.email), .commit,
                     "making the signature '\(author.name) <\(author.email)>'")
        defer { git_signature_free(signature) }
        var parents: [OpaquePointer?] = []
        defer { parents.forEach { git_commit_free($0) } }
        if let head = try headCommit() {
            var id = head
            var parent: OpaquePointer?
            try gitCheck(git_commit_lookup(&parent, pointer, &id), .commit, "reading HEAD of \(path)")
            parents.append(parent)
        }
        var commitID = git_oid()
        let code = parents.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&commitID, pointer, "HEAD", signature, signature, "UTF-8", message, tree,
                              buffer.count, buffer.baseAddress)
        }
        try gitCheck(code, .commit, "committing in \(path)")
        return commitID
    }

    /// Creates branch `name` at HEAD and, when asked, makes it the current branch.
    func createBranch(_ name: String, checkout: Bool, force: Bool) throws {
        var valid: Int32 = 0
        guard git_branch_name_is_valid(&valid, name) == 0, valid == 1 else {
            throw GitError(.branch, "The branch name '\(name)' is not valid in git; use letters, digits, '-', '_' and '/'.")
        }
        guard let head = try headCommit() else {
            throw GitError(.branch, "Cannot create branch '\(name)' in \(path): HEAD has no commit yet.")
        }
        try withCommit(head) { commit in
            var reference: OpaquePointer?
            try gitCheck(git_branch_create(&reference, pointer, name, commit, force ? 1 : 0), .branch,
                         "creating branch \(name) in \(path)")
            git_reference_free(reference)
        }
        if checkout {
            try gitCheck(git_repository_set_head(pointer, "refs/heads/\(name)"), .branch, "switching \(path) to \(name)")
        }
    }

    /// Deletes every local branch; HEAD must be detached.
    func deleteLocalBranches() throws {
        var iterator: OpaquePointer?
        try gitCheck(git_branch_iterator_new(&iterator, pointer, GIT_BRANCH_LOCAL), .branch, "listing branches of \(path)")
        defer { git_branch_iterator_free(iterator) }
        var reference: OpaquePointer?
        var type = GIT_BRANCH_LOCAL
        while git_branch_next(&reference, &type, iterator) == 0 {
            defer { git_reference_free(reference) }
            try gitCheck(git_branch_delete(reference), .branch, "deleting a branch of \(path)")
        }
    }
}
