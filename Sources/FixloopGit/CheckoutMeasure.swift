import CLibgit2

/// Counts what checking out a tree would write, without expanding it: each distinct tree is read once and its
/// totals remembered by object id, so a tree that names one subtree a million times costs one read of that subtree.
/// Totals count with repetition, as a checkout would write them. The walk stops as soon as a limit is passed.
final class CheckoutMeasure {
    /// What a tree expands to.
    struct Size {
        var entries = 0
        var bytes = 0
    }

    /// Why the walk stopped early.
    enum Stop: Error {
        case entries(Int)
        case bytes(Int)
    }

    private let repository: GitRepository
    private let odb: OpaquePointer
    private let limits: CheckoutLimits
    private var trees: [ObjectKey: Size] = [:]
    private var blobs: [ObjectKey: Int] = [:]
    /// Entries of distinct trees read so far: never more than the expanded total, so also a bound on the walk.
    private var distinctEntries = 0

    private init(repository: GitRepository, odb: OpaquePointer, limits: CheckoutLimits) {
        self.repository = repository
        self.odb = odb
        self.limits = limits
    }

    /// Measures `commit`'s tree in `repository`.
    /// - Throws: ``Stop`` when a limit is passed; ``GitError`` when an object cannot be read.
    static func measure(commit: git_oid, in repository: GitRepository, limits: CheckoutLimits) throws -> Size {
        var odb: OpaquePointer?
        try gitCheck(git_repository_odb(&odb, repository.pointer), .checkout, "opening the objects of \(repository.path)")
        defer { git_odb_free(odb) }
        let root = try repository.withCommit(commit) { handle in
            var tree: OpaquePointer?
            try gitCheck(git_commit_tree(&tree, handle), .checkout, "reading the tree of \(hex(commit))")
            defer { git_tree_free(tree) }
            return git_tree_id(tree).pointee
        }
        return try CheckoutMeasure(repository: repository, odb: odb!, limits: limits).size(ofTree: root)
    }

    /// One tree being summed: its handle, the next entry to read and the total so far.
    private struct Frame {
        let key: ObjectKey
        let tree: OpaquePointer
        let count: Int
        var next = 0
        var total = Size()
    }

    /// A depth-first walk with an explicit stack (no recursion, however deep the tree), each tree summed once.
    private func size(ofTree root: git_oid) throws -> Size {
        var stack: [Frame] = []
        defer { stack.forEach { git_tree_free($0.tree) } }
        stack.append(try open(root))
        while true {
            if stack[stack.count - 1].next == stack[stack.count - 1].count {
                let done = stack.removeLast()
                git_tree_free(done.tree)
                trees[done.key] = done.total
                guard !stack.isEmpty else { return done.total }
                try add(done.total, to: &stack[stack.count - 1].total)
                continue
            }
            let index = stack[stack.count - 1].next
            stack[stack.count - 1].next += 1
            guard let entry = git_tree_entry_byindex(stack[stack.count - 1].tree, index) else { continue }
            var id = git_tree_entry_id(entry).pointee
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE:
                try add(Size(entries: 1), to: &stack[stack.count - 1].total)
                let key = ObjectKey(id)
                if let known = trees[key] {
                    try add(known, to: &stack[stack.count - 1].total)
                } else {
                    guard !stack.contains(where: { $0.key == key }) else {
                        throw GitError(.corruptRepository, "The tree \(hex(id)) in \(repository.path) contains itself; the repository is damaged.")
                    }
                    stack.append(try open(id))
                }
            case GIT_OBJECT_BLOB:
                try add(Size(entries: 1, bytes: try blobSize(&id)), to: &stack[stack.count - 1].total)
            default:  // a submodule: an empty folder in the checkout
                try add(Size(entries: 1), to: &stack[stack.count - 1].total)
            }
        }
    }

    private func open(_ oid: git_oid) throws -> Frame {
        var id = oid
        var tree: OpaquePointer?
        try gitCheck(git_tree_lookup(&tree, repository.pointer, &id), .checkout, "reading tree \(hex(oid)) in \(repository.path)")
        let count = git_tree_entrycount(tree)
        distinctEntries += count
        if distinctEntries > limits.maxEntries {
            git_tree_free(tree)
            throw Stop.entries(distinctEntries)
        }
        return Frame(key: ObjectKey(oid), tree: tree!, count: count)
    }

    private func blobSize(_ id: inout git_oid) throws -> Int {
        let key = ObjectKey(id)
        if let known = blobs[key] { return known }
        var length = 0
        var type = GIT_OBJECT_INVALID
        try gitCheck(git_odb_read_header(&length, &type, odb, &id), .checkout, "reading object \(hex(id)) in \(repository.path)")
        blobs[key] = length
        return length
    }

    private func add(_ size: Size, to total: inout Size) throws {
        total.entries += size.entries
        total.bytes += size.bytes
        if total.entries > limits.maxEntries { throw Stop.entries(total.entries) }
        if total.bytes > limits.maxBytes { throw Stop.bytes(total.bytes) }
    }
}

/// An object id as a dictionary key.
struct ObjectKey: Hashable {
    private let high: UInt64
    private let middle: UInt64
    private let low: UInt32

    init(_ oid: git_oid) {
        var copy = oid
        (high, middle, low) = withUnsafeBytes(of: &copy.id) { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        }
    }
}
