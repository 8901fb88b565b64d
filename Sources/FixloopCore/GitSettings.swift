/// How Fixloop does its git work; the `[git]` table of `fixloop.toml`.
public struct GitSettings: Sendable, Equatable {
    /// The name on commits Fixloop makes.
    public var authorName: String = "Fixloop"
    /// The email on commits Fixloop makes.
    public var authorEmail: String = "fixloop@users.noreply.github.com"
    /// How many idle checkouts per repository are kept for reuse (0 turns reuse off).
    public var workspacePoolSize: Int = 2
    /// GitHub Enterprise host names, so `owner/name` and the API are derived for them too.
    public var enterpriseHosts: [String] = []
    /// How many times a rejected credential is offered again before the operation fails.
    public var credentialAttempts: Int = 2
    /// The most files and folders one checkout may write (`max_checkout_files`), counted before and while writing.
    public var maxCheckoutFiles: Int = 200_000
    /// The most megabytes of file content one checkout may write (`max_checkout_mb`).
    public var maxCheckoutMB: Int = 2048

    public init() {}
}
