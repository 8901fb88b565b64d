import CLibgit2
import Foundation

/// What Fixloop fetches from a repository on this machine: a scratch bare repository holding the source's branches
/// and tags that resolve, and its HEAD, with the source's objects borrowed through `objects/info/alternates`.
///
/// libgit2's local transport lists every ref of the repository it reads and fails on the first one that points
/// nowhere, so a `refs/remotes/origin/HEAD` left dangling by a default-branch rename stopped the whole fetch. The
/// view leaves such refs out (as `git upload-pack` does) and names them; the source is only read, never written.
struct LocalSourceView {
    /// The view's folder; the caller removes it after the fetch.
    let directory: URL
    /// Refs of the source that point nowhere, none of them mirrored.
    let dangling: [DanglingReference]

    /// Makes the view of the repository at `path` in `directory` (which must not exist).
    /// - Throws: ``GitError`` of kind `repository_not_found` when `path` is not a repository.
    static func make(source path: String, at directory: URL) throws -> LocalSourceView {
        let source: GitRepository
        do {
            source = try GitRepository.open(path)
        } catch let error as GitError where error.kind == .open {
            throw GitError(.repositoryNotFound, "The path \(path) is not a git repository (\(error.message)); check the path.",
                           libgit2Class: error.libgit2Class, libgit2Code: error.libgit2Code)
        }
        var objects = git_buf()
        defer { git_buf_dispose(&objects) }
        try gitCheck(git_repository_item_path(&objects, source.pointer, GIT_REPOSITORY_ITEM_OBJECTS), .fetch,
                     "finding the objects of \(path)")
        _ = try GitRepository.initialize(directory.path, bare: true)
        let alternates = directory.appendingPathComponent("objects/info/alternates")
        do {
            try Data((String(cString: objects.ptr) + "\n").utf8).write(to: alternates)
        } catch {
            throw GitError(.fetch, "Cannot prepare a fetch from \(path) in \(directory.path): \(error.localizedDescription); check that the state directory is writable.")
        }
        let view = try GitRepository.open(directory.path)
        var dangling = try copyRefs(from: source, to: view)
        if let head = try copyHead(from: source, to: view) { dangling.insert(head, at: 0) }
        return LocalSourceView(directory: directory, dangling: dangling)
    }

    /// Copies every branch and tag that resolves, as a direct ref; returns the refs (of any namespace) that do not.
    private static func copyRefs(from source: GitRepository, to view: GitRepository) throws -> [DanglingReference] {
        var iterator: OpaquePointer?
        try gitCheck(git_reference_iterator_new(&iterator, source.pointer), .fetch, "listing the refs of \(source.path)")
        defer { git_reference_iterator_free(iterator) }
        var dangling: [DanglingReference] = []
        var reference: OpaquePointer?
        while true {
            let code = git_reference_next(&reference, iterator)
            if code == GIT_ITEROVER.rawValue { break }
            try gitCheck(code, .fetch, "reading the refs of \(source.path)")
            defer { git_reference_free(reference) }
            let name = String(cString: git_reference_name(reference))
            var resolved: OpaquePointer?
            guard git_reference_resolve(&resolved, reference) == 0, var id = git_reference_target(resolved)?.pointee else {
                dangling.append(DanglingReference(name: name, target: target(of: reference)))
                continue
            }
            git_reference_free(resolved)
            guard name.hasPrefix("refs/heads/") || name.hasPrefix("refs/tags/") else { continue }
            var copy: OpaquePointer?
            // Fails only when the object is missing: that ref points nowhere either.
            if git_reference_create(&copy, view.pointer, name, &id, 1, nil) == 0 {
                git_reference_free(copy)
            } else {
                dangling.append(DanglingReference(name: name, target: hex(id)))
            }
        }
        return dangling
    }

    /// Gives the view the source's HEAD: the same branch (even a missing one, so no other branch is guessed), or
    /// the same detached commit. - Returns: HEAD when it points nowhere.
    private static func copyHead(from source: GitRepository, to view: GitRepository) throws -> DanglingReference? {
        var head: OpaquePointer?
        guard git_reference_lookup(&head, source.pointer, "HEAD") == 0 else { return nil }
        defer { git_reference_free(head) }
        if git_reference_type(head) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(head) {
            var link: OpaquePointer?
            try gitCheck(git_reference_symbolic_create(&link, view.pointer, "HEAD", target, 1, nil), .fetch,
                         "preparing a fetch from \(source.path)")
            git_reference_free(link)
            var resolved: OpaquePointer?
            guard git_reference_resolve(&resolved, head) == 0 else {
                return DanglingReference(name: "HEAD", target: String(cString: target))
            }
            git_reference_free(resolved)
        } else if var id = git_reference_target(head)?.pointee {
            guard git_repository_set_head_detached(view.pointer, &id) == 0 else {
                return DanglingReference(name: "HEAD", target: hex(id))
            }
        }
        return nil
    }

    private static func target(of reference: OpaquePointer?) -> String {
        if let symbolic = git_reference_symbolic_target(reference) { return String(cString: symbolic) }
        return git_reference_target(reference).map { hex($0.pointee) } ?? "nothing"
    }
}
