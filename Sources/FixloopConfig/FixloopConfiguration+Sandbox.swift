/// The `[sandbox]` table of `fixloop.toml`: what the operator adds to every sandbox.
///
/// Only the operator may mount host paths: a repository's own `.fixloop.toml` cannot, and even these paths are
/// refused when they would show the state directory, `$HOME`'s dot-folders or key files (checked where the
/// environment is known, in the CLI).
public struct SandboxSettings: Sendable, Equatable {
    /// Host paths bound read-only at the same place in every sandbox, on top of the policy's and `--ro`'s.
    public var readOnlyPaths: [String] = []

    /// The defaults: nothing extra.
    public init() {}
}

extension SandboxSettings {
    init(reading table: inout ConfigSection) throws {
        self.init()
        if let paths = try table.strings("read_only") {
            for path in paths where !path.hasPrefix("/") || path.split(separator: "/").contains("..") {
                throw ConfigurationError(
                    kind: .invalidValue, file: table.file, key: "sandbox.read_only",
                    detail: "holds \"\(path)\" but must hold absolute paths without '..'")
            }
            readOnlyPaths = paths
        }
    }
}
