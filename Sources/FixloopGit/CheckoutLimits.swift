import FixloopCore

/// How much one checkout may write on the host: entries (files, symbolic links, submodules and folders) and bytes of
/// file content. A tree past either limit is refused before anything is written, and a checkout that passes one
/// while writing is stopped, so a small repository whose tree expands to millions of entries (a "git bomb") costs
/// a short walk instead of the host's memory and disk.
public struct CheckoutLimits: Sendable, Equatable {
    /// The most entries a checkout may hold, counted with repetition (a folder named twice counts twice).
    public var maxEntries: Int
    /// The most bytes of file content a checkout may hold, counted the same way.
    public var maxBytes: Int

    /// - Parameters:
    ///   - maxEntries: ``GitSettings/maxCheckoutFiles``'s default unless given.
    ///   - maxBytes: ``GitSettings/maxCheckoutMB``'s default (in bytes) unless given.
    public init(maxEntries: Int = GitSettings().maxCheckoutFiles, maxBytes: Int = GitSettings().maxCheckoutMB << 20) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// The limits the `[git]` settings name (`max_checkout_files`, `max_checkout_mb`).
    public init(_ settings: GitSettings) {
        self.init(maxEntries: settings.maxCheckoutFiles, maxBytes: settings.maxCheckoutMB << 20)
    }

    /// The error for a checkout of `repository` at `commit` that passed a limit.
    /// - Parameters:
    ///   - entries: true when the entry limit was passed, false for the byte limit.
    ///   - counted: what was counted when the walk or the checkout stopped.
    ///   - stage: "before writing" or "while writing".
    func passed(entries: Bool, counted: Int, repository: String, commit: String, stage: String) -> GitError {
        let what = entries
            ? "more than \(maxEntries) files and folders (\(counted) counted \(stage))"
            : "more than \(megabytes(maxBytes)) MB of file content (\(megabytes(counted)) MB counted \(stage))"
        let setting = entries ? "max_checkout_files" : "max_checkout_mb"
        return GitError(.checkoutTooLarge,
            "The checkout of \(repository) at \(commit) was stopped: its tree holds \(what); if the repository really is that large, raise [git] \(setting) in fixloop.toml.")
    }

    private func megabytes(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20)" : String(format: "%.1f", Double(bytes) / Double(1 << 20))
    }
}
