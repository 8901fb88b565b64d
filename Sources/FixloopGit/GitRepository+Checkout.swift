import CLibgit2

extension GitRepository {
    /// Makes the working tree, the index and a detached HEAD exactly `commit`: tracked changes are undone,
    /// untracked and ignored files removed. Bounded by `limits` twice: the target tree is measured before HEAD
    /// moves or anything is written, and the files checkout writes are counted while it writes.
    /// - Parameters:
    ///   - repositoryName: the repository as people know it (its URL or path), for the error.
    ///   - measureFirst: false only in tests of the second bound.
    /// - Throws: ``GitError`` of kind `checkout_too_large` naming the repository, the commit, the limit and its setting.
    func forceCheckoutDetached(
        _ commit: git_oid, limits: CheckoutLimits, repositoryName: String, measureFirst: Bool = true
    ) throws {
        if measureFirst {
            do {
                _ = try CheckoutMeasure.measure(commit: commit, in: self, limits: limits)
            } catch let stop as CheckoutMeasure.Stop {
                throw limits.error(stop, repository: repositoryName, commit: hex(commit), stage: "before writing")
            }
        }
        var id = commit
        try gitCheck(git_repository_set_head_detached(pointer, &id), .checkout, "moving HEAD of \(path) to \(hex(commit))")
        var object: OpaquePointer?
        try gitCheck(git_object_lookup(&object, pointer, &id, GIT_OBJECT_COMMIT), .checkout, "reading \(hex(commit))")
        defer { git_object_free(object) }
        var odb: OpaquePointer?
        try gitCheck(git_repository_odb(&odb, pointer), .checkout, "opening the objects of \(path)")
        defer { git_odb_free(odb) }
        let counter = CheckoutWriteCounter(limits: limits, odb: odb!)
        var options = git_checkout_options()
        git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_REMOVE_UNTRACKED.rawValue
            | GIT_CHECKOUT_REMOVE_IGNORED.rawValue
        options.notify_flags = GIT_CHECKOUT_NOTIFY_UPDATED.rawValue
        options.notify_cb = { _, _, _, target, _, payload in
            guard let payload else { return 0 }
            return Unmanaged<CheckoutWriteCounter>.fromOpaque(payload).takeUnretainedValue().count(target)
        }
        options.notify_payload = Unmanaged.passUnretained(counter).toOpaque()
        let code = withExtendedLifetime(counter) { git_reset(pointer, object, GIT_RESET_HARD, &options) }
        if let stop = counter.stop {
            throw limits.error(stop, repository: repositoryName, commit: hex(commit), stage: "while writing")
        }
        try gitCheck(code, .checkout, "checking out \(hex(commit)) in \(path)")
    }
}

/// The payload of checkout's notify callback: counts the files checkout is about to write and their bytes,
/// and stops the checkout (a non-zero return) when a limit is passed.
private final class CheckoutWriteCounter {
    let limits: CheckoutLimits
    let odb: OpaquePointer
    var entries = 0
    var bytes = 0
    var stop: CheckoutMeasure.Stop?

    init(limits: CheckoutLimits, odb: OpaquePointer) {
        self.limits = limits
        self.odb = odb
    }

    func count(_ target: UnsafePointer<git_diff_file>?) -> Int32 {
        entries += 1
        if let target {
            var size = Int(target.pointee.size)
            var id = target.pointee.id
            var type = GIT_OBJECT_INVALID
            if size == 0, git_odb_read_header(&size, &type, odb, &id) != 0 { size = 0 }
            bytes += size
        }
        if entries > limits.maxEntries { stop = .entries(entries) }
        if bytes > limits.maxBytes { stop = .bytes(bytes) }
        return stop == nil ? 0 : GIT_EUSER.rawValue
    }
}

extension CheckoutLimits {
    func error(_ stop: CheckoutMeasure.Stop, repository: String, commit: String, stage: String) -> GitError {
        switch stop {
        case .entries(let counted): return passed(entries: true, counted: counted, repository: repository, commit: commit, stage: stage)
        case .bytes(let counted): return passed(entries: false, counted: counted, repository: repository, commit: commit, stage: stage)
        }
    }
}
