import FixloopCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension BubblewrapSandbox {
    /// Read-only paths split by how they get in: bound by descriptor (`--ro-bind-fd`), or staged
    /// (``ReadOnlyStage``) because the sandbox user cannot reach them.
    struct ReadOnlySplit {
        var direct: [String]
        var staged: [String]
    }

    /// The operator's read-only paths, with the interpreters of the virtualenvs among them, split by how they get
    /// in; the policy's own paths that the sandbox user cannot reach move from `policy` to the staged ones.
    /// - Throws: ``SandboxError`` `workspaceInvalid` for a path the sandbox user cannot reach when there is no
    ///   `fixloop-sandbox-exec` to stage it.
    func readOnlySplit(_ paths: [String], policy: inout SandboxPolicy, lease: SandboxUserLease?) throws -> ReadOnlySplit {
        var all = paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        for path in all {
            all += VirtualenvInterpreter.extraPaths(for: path, covered: policy.readOnlyPaths + all)
        }
        guard let lease else { return ReadOnlySplit(direct: all, staged: []) }
        var split = ReadOnlySplit(direct: [], staged: [])
        for path in all {
            if Self.blockingAncestor(of: path, user: lease.userID, group: lease.groupID) == nil {
                split.direct.append(path)
            } else if configuration.helperPath != nil {
                split.staged.append(path)
            } else {
                try Self.checkTraversable(path, user: lease.userID, group: lease.groupID)
            }
        }
        guard configuration.helperPath != nil else { return split }
        let hidden = policy.readOnlyPaths.filter {
            access($0, F_OK) == 0 && Self.blockingAncestor(of: $0, user: lease.userID, group: lease.groupID) != nil
        }
        policy.readOnlyPaths.removeAll { hidden.contains($0) }
        split.staged += hidden
        return split
    }
}
