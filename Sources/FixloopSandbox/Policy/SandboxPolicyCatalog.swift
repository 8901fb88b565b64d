import FixloopCore
import FixloopResources
import Foundation

/// Finds policies by name or path: the operator's folders first, then the policies bundled with the binary.
///
/// The current directory is never searched: run from inside an untrusted checkout, a `sandbox/test.toml` there
/// would otherwise choose its own network and environment.
public struct SandboxPolicyCatalog: Sendable {
    /// The operator's folders searched for `<name>.toml` before the bundled policies (`[sandbox] policies` in
    /// `fixloop.toml`); empty for the bundled policies alone.
    public let directories: [URL]
    /// The folder of the bundled `sandbox/*.toml` files (nil when the resource bundle is missing).
    public let bundled: URL?

    /// Creates a catalog.
    /// - Parameters:
    ///   - directories: the operator's folders that hold policy files, searched in order.
    ///   - bundled: the bundled policies' folder; by default the one installed with the binary.
    public init(directories: [URL] = [], bundled: URL? = ResourceLocator.standard.url(.sandboxPolicies)) {
        self.directories = directories
        self.bundled = bundled
    }

    /// The policy named `nameOrPath`: a path when it contains `/` or ends in `.toml` (the operator's
    /// `--policy FILE`), else a name looked up in the operator's folders, then the bundled ones.
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
        if let bundled {
            let url = bundled.appendingPathComponent("\(nameOrPath).toml")
            if let text = try? String(contentsOf: url, encoding: .utf8) {
                return try SandboxPolicyReader.parse(text, name: nameOrPath, file: "bundled \(nameOrPath).toml")
            }
        }
        let bundledPlace = bundled.map { "the bundled policies in \($0.path)" } ?? "the bundled policies (not installed)"
        throw SandboxError.policyNotFound(name: nameOrPath, searched: directories.map(\.path) + [bundledPlace])
    }
}
