import FixloopCore
import Foundation

/// Finds policies by name or path: `sandbox/<name>.toml` in the given folders first, then the built-in copies.
public struct SandboxPolicyCatalog: Sendable {
    /// Folders searched for `<name>.toml`, in order (the CLI passes `./sandbox`).
    public let directories: [URL]

    /// Creates a catalog.
    /// - Parameter directories: folders that hold policy files.
    public init(directories: [URL]) {
        self.directories = directories
    }

    /// The policy named `nameOrPath`: a path when it contains `/` or ends in `.toml`, else a name.
    /// - Throws: ``SandboxError`` when no such policy exists or the file is invalid.
    public func policy(_ nameOrPath: String) throws -> SandboxPolicy {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") {
            let url = URL(fileURLWithPath: nameOrPath)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw SandboxError.policyNotFound(name: nameOrPath, searched: [url.path])
            }
            return try SandboxPolicyReader.parse(
                text, name: url.deletingPathExtension().lastPathComponent, file: url.path)
        }
        for directory in directories {
            let url = directory.appendingPathComponent("\(nameOrPath).toml")
            if let text = try? String(contentsOf: url, encoding: .utf8) {
                return try SandboxPolicyReader.parse(text, name: nameOrPath, file: url.path)
            }
        }
        if let text = BuiltinSandboxPolicies.text[nameOrPath] {
            return try SandboxPolicyReader.parse(text, name: nameOrPath, file: "built-in \(nameOrPath).toml")
        }
        throw SandboxError.policyNotFound(
            name: nameOrPath, searched: directories.map(\.path) + ["the built-in policies"])
    }
}
