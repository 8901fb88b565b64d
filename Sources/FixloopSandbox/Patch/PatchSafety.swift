/// Refuses patches that could write outside the workspace or into git's metadata, before anything runs.
///
/// This is the first of two walls; the second is that patches are applied inside the sandbox, where only the
/// workspace is writable, `.git` is read-only and `git apply` refuses paths beyond symbolic links.
public enum PatchSafety {
    /// The reason `diff` must be refused, or nil when every path is acceptable.
    public static func refusal(for diff: UnifiedDiff) -> String? {
        for file in diff.files {
            for path in [file.oldPath, file.newPath].compactMap({ $0 }) where path != "/dev/null" {
                if let reason = refusal(forPath: path) { return reason }
            }
            if let mode = file.modes.first(where: { $0 == "120000" || $0 == "160000" }) {
                let kind = mode == "120000" ? "a symbolic link" : "a submodule"
                return "it makes '\(file.displayPath(stripLevel: diff.stripLevel))' \(kind), which patches may not do"
            }
        }
        return nil
    }

    /// The reason one path from a diff header must be refused, or nil.
    public static func refusal(forPath path: String) -> String? {
        if path.isEmpty { return "it names an empty path" }
        if path.hasPrefix("/") || path.hasPrefix("~") { return "the path '\(path)' is absolute" }
        if path.contains("\\") { return "the path '\(path)' contains a backslash" }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            return "the path '\(path)' contains a control character"
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            if component == ".." { return "the path '\(path)' climbs out of the workspace with '..'" }
            if isGitDirectoryName(component) { return "the path '\(path)' writes into git's metadata" }
        }
        return nil
    }

    /// `.git` in any case, with the trailing dots and spaces Windows ignores, or its 8.3 short name.
    static func isGitDirectoryName(_ component: Substring) -> Bool {
        var name = component.lowercased()
        while name.hasSuffix(".") || name.hasSuffix(" ") { name.removeLast() }
        return name == ".git" || name == "git~1"
    }
}
