import FixloopCore

/// How Fixloop proves who it is to a remote. Built at the edge (CLI, server) from the environment.
///
/// A token is sent only over HTTP(S) as the password of `username`, and only to `tokenHost` when one is set —
/// never spliced into a URL, never logged.
public struct GitCredentials: Sendable {
    /// The HTTPS token (a GitHub token, an installation token).
    public var token: Secret?
    /// The user name that goes with the token; GitHub accepts `x-access-token`.
    public var username: String
    /// The only host the token is offered to (after a redirect to another host it is withheld); nil for any.
    public var tokenHost: String?
    /// Offer keys from the SSH agent for SSH remotes.
    public var useSSHAgent: Bool
    /// A private key file for SSH remotes, with its optional public key and passphrase.
    public var sshKey: SSHKey?
    /// How many times a rejected credential is offered again before the operation fails.
    public var maxAttempts: Int

    /// An SSH key on disk.
    public struct SSHKey: Sendable {
        public var privateKeyPath: String
        public var publicKeyPath: String?
        public var passphrase: Secret?

        public init(privateKeyPath: String, publicKeyPath: String? = nil, passphrase: Secret? = nil) {
            self.privateKeyPath = privateKeyPath
            self.publicKeyPath = publicKeyPath
            self.passphrase = passphrase
        }
    }

    public init(
        token: Secret? = nil, username: String = "x-access-token", tokenHost: String? = nil,
        useSSHAgent: Bool = true, sshKey: SSHKey? = nil, maxAttempts: Int = 2
    ) {
        self.token = token
        self.username = username
        self.tokenHost = tokenHost
        self.useSSHAgent = useSSHAgent
        self.sshKey = sshKey
        self.maxAttempts = max(1, maxAttempts)
    }

    /// No credentials: local paths and public remotes.
    public static let none = GitCredentials(useSSHAgent: false)

    /// A token for one host.
    public static func token(_ token: Secret, host: String?) -> GitCredentials {
        GitCredentials(token: token, tokenHost: host)
    }
}

/// Counts of a transfer in progress, as libgit2 reports them.
public struct GitTransferProgress: Sendable, Equatable {
    public var receivedObjects: Int
    public var indexedObjects: Int
    public var totalObjects: Int
    public var receivedBytes: Int

    /// A one-line rendering for a progress line: `objects 120/300, 1.2 MiB`.
    public var summary: String {
        let mebibytes = Double(receivedBytes) / 1_048_576
        return "objects \(receivedObjects)/\(totalObjects), \(String(format: "%.1f", mebibytes)) MiB"
    }
}

/// Receives transfer progress; called on a git thread, so it must be cheap and thread-safe.
public typealias GitProgressHandler = @Sendable (GitTransferProgress) -> Void

extension GitCredentials {
    /// The credentials for `remote`: `token` over HTTPS for GitHub hosts only (github.com and `settings`'
    /// Enterprise hosts), else the SSH agent for SSH remotes; never a token sent to another host.
    public static func choose(for remote: RepositoryReference, token: Secret?, settings: GitSettings) -> GitCredentials {
        if remote.isGitHub(enterpriseHosts: Set(settings.enterpriseHosts)), let token {
            return GitCredentials(token: token, tokenHost: remote.host, maxAttempts: settings.credentialAttempts)
        }
        return GitCredentials(useSSHAgent: remote.transport == .ssh, maxAttempts: settings.credentialAttempts)
    }
}
