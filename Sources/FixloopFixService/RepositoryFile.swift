import FixloopConfig
import FixloopEngineer
import FixloopSandbox
import Foundation

/// A repository's own `.fixloop.toml`: how to set it up and test it, and what a fix may not touch.
///
/// ```toml
/// setup = "python3 -m pip install -e ."
/// test = "python3 -m pytest -rA"
/// protected_paths = ["migrations/**"]
/// max_changed_lines = 120
/// ```
///
/// The repository is untrusted, so its settings only shape the run inside it: `read_only` (host paths to
/// mount) is refused, `protected_paths` only adds to the operator's, `max_changed_lines` can only lower the
/// operator's limit (``RepositorySettings/resolve(in:overrides:fileSettings:)``). The file is read without
/// following symbolic links (``CheckoutFile``), so an error can only ever echo the repository's own text.
enum RepositoryFile {
    /// The name of the file at the repository's root.
    static let name = ".fixloop.toml"
    /// Larger files are refused.
    static let maxBytes = 64 << 10

    /// The settings in `directory`'s `.fixloop.toml`, or nil when it has none.
    /// - Throws: ``FixServiceError`` when the file is a link, not a regular file, too large, or sets `read_only`;
    ///   ``ConfigurationError`` for bad TOML, unknown keys and wrong values.
    static func read(in directory: URL) throws -> RepositorySettings? {
        guard let data = try readBytes(in: directory) else { return nil }
        var table = try ConfigSection.parse(toml: String(decoding: data, as: UTF8.self), file: "\(name) in the repository")
        if table.keys.contains("read_only") {
            throw FixServiceError(
                code: "repository.read_only_refused",
                message: "The repository's \(name) sets read_only, but only the operator may mount host paths; remove "
                    + "the key from the repository and pass --ro PATH or set [sandbox] read_only in fixloop.toml instead.")
        }
        var settings = RepositorySettings()
        settings.setupCommand = try table.string("setup")
        settings.testCommand = try table.string("test")
        settings.protectedPaths = try table.strings("protected_paths") ?? []
        if let limit = try table.int("max_changed_lines", range: 1...100_000) { settings.maxChangedLines = limit }
        try table.finish()
        return settings
    }

    private static func readBytes(in directory: URL) throws -> Data? {
        do {
            return try CheckoutFile.read(name, in: directory, maxBytes: maxBytes)
        } catch CheckoutFile.Refusal.symbolicLink {
            throw FixServiceError(
                code: "repository.file_is_link",
                message: "The repository's \(name) is a symbolic link, which Fixloop does not follow; make it a "
                    + "regular file in the repository.")
        } catch CheckoutFile.Refusal.tooLarge {
            throw FixServiceError(
                code: "repository.file_too_large",
                message: "The repository's \(name) is larger than \(maxBytes >> 10) KiB; keep only the settings in it.")
        } catch {
            throw FixServiceError(
                code: "repository.file_not_regular",
                message: "The repository's \(name) is not a regular file; make it a plain TOML file or remove it.")
        }
    }
}
