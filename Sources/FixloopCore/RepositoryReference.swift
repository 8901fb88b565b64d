import Foundation

/// Where a repository lives, parsed from what a person types: an HTTPS or SSH URL, or a local path.
///
/// Parsing never touches the network or the disk. For forge hosts (GitHub and GitHub Enterprise, or any host
/// whose path is exactly `owner/name`), ``ownerAndName`` is derived so trackers and code hosts can use it.
public struct RepositoryReference: Sendable, Hashable, CustomStringConvertible {
    /// How the remote is reached.
    public enum Transport: String, Sendable, Hashable {
        case https, http, ssh, local, file
    }

    /// The transport implied by the text.
    public let transport: Transport
    /// The host, lowercased; nil for local paths.
    public let host: String?
    /// The port when one was given.
    public let port: Int?
    /// The path on the host without a leading slash or trailing `.git`, or the absolute local path.
    public let path: String
    /// The SSH user (`git` in `git@github.com:o/r.git`), if any. Never a password or token.
    public let user: String?
    /// `owner/name` when the path has exactly two components on a remote host.
    public let ownerAndName: (owner: String, name: String)?

    /// The URL libgit2 is given: credentials are never part of it.
    public let url: String

    public var description: String { url }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.url == rhs.url }
    public func hash(into hasher: inout Hasher) { hasher.combine(url) }

    /// True when the host is github.com or one of `enterpriseHosts`.
    /// - Parameter enterpriseHosts: GitHub Enterprise host names from configuration.
    public func isGitHub(enterpriseHosts: Set<String> = []) -> Bool {
        guard let host else { return false }
        return host == "github.com" || host == "www.github.com" || enterpriseHosts.contains(host)
    }

    /// A short, filesystem-safe key that is the same for every spelling of the same remote
    /// (`https://github.com/o/r`, `https://github.com/o/r.git`, `git@github.com:o/r.git` share one).
    public var cacheKey: String {
        let base: String
        if let host {
            base = "\(host)/\(path)"
        } else {
            base = "local/\(path)"
        }
        let safe = base.map { c -> Character in
            c.isLetter || c.isNumber || c == "-" || c == "_" || c == "." || c == "/" ? c : "_"
        }
        let cleaned = String(safe).split(separator: "/").filter { $0 != "." && $0 != ".." }.joined(separator: "/")
        return cleaned.isEmpty ? "repo" : cleaned
    }

    private init(transport: Transport, host: String?, port: Int?, path: String, user: String?, url: String) {
        self.transport = transport
        self.host = host
        self.port = port
        self.path = path
        self.user = user
        self.url = url
        self.ownerAndName = host == nil ? nil : Self.ownerAndName(of: path)
    }

    /// Parses a remote as a person writes it.
    /// - Parameters:
    ///   - text: `https://host/o/r(.git)`, `http://127.0.0.1:8080/r.git`, `git@host:o/r.git`,
    ///     `ssh://git@host(:port)/o/r.git`, `file:///abs/path`, an absolute or relative local path.
    ///   - currentDirectory: the base for relative local paths.
    /// - Throws: ``RepositoryReferenceError`` when the text is empty, carries credentials, or has no path.
    public init(parsing text: String, currentDirectory: String = FileManager.default.currentDirectoryPath) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw RepositoryReferenceError(text: text, reason: "it is empty") }
        if trimmed.contains("://"), let components = URLComponents(string: trimmed),
           let scheme = components.scheme?.lowercased(), ["https", "http", "ssh", "file", "git"].contains(scheme) {
            self = try Self.fromURL(components, scheme: scheme, text: trimmed)
        } else if let scp = Self.scpLike(trimmed) {
            self = try Self.ssh(user: scp.user, host: scp.host, port: nil, rawPath: scp.path, text: trimmed)
        } else {
            let absolute = trimmed.hasPrefix("/") ? trimmed : (currentDirectory as NSString).appendingPathComponent(trimmed)
            let standardized = (absolute as NSString).standardizingPath
            self.init(transport: .local, host: nil, port: nil, path: standardized, user: nil, url: standardized)
        }
    }

    private static func fromURL(_ components: URLComponents, scheme: String, text: String) throws -> Self {
        if components.password != nil || (scheme.hasPrefix("http") && components.user != nil) {
            throw RepositoryReferenceError(
                text: "\(scheme)://…", reason: "it carries credentials; pass tokens through GITHUB_TOKEN instead")
        }
        if scheme == "file" {
            let standardized = (components.path as NSString).standardizingPath
            guard !standardized.isEmpty else { throw RepositoryReferenceError(text: text, reason: "it has no path") }
            return Self(transport: .file, host: nil, port: nil, path: standardized, user: nil, url: "file://" + standardized)
        }
        guard let host = components.host?.lowercased(), !host.isEmpty else {
            throw RepositoryReferenceError(text: text, reason: "it has no host")
        }
        if scheme == "ssh" || scheme == "git" {
            return try ssh(user: components.user, host: host, port: components.port, rawPath: components.path, text: text)
        }
        let trimmedPath = trimPath(components.path)
        guard !trimmedPath.isEmpty else { throw RepositoryReferenceError(text: text, reason: "it has no repository path") }
        let portText = components.port.map { ":\($0)" } ?? ""
        let url = "\(scheme)://\(host)\(portText)/\(components.path.drop(while: { $0 == "/" }))"
        return Self(transport: scheme == "https" ? .https : .http, host: host, port: components.port,
                    path: trimmedPath, user: nil, url: url)
    }

    private static func ssh(user: String?, host: String, port: Int?, rawPath: String, text: String) throws -> Self {
        let trimmedPath = trimPath(rawPath)
        guard !trimmedPath.isEmpty else { throw RepositoryReferenceError(text: text, reason: "it has no repository path") }
        let userPart = user.map { "\($0)@" } ?? ""
        let portPart = port.map { ":\($0)" } ?? ""
        let url = "ssh://\(userPart)\(host.lowercased())\(portPart)/\(rawPath.drop(while: { $0 == "/" }))"
        return Self(transport: .ssh, host: host.lowercased(), port: port, path: trimmedPath, user: user, url: url)
    }

    /// `user@host:path`, the scp-like form git accepts; not a Windows drive or a local path with a colon.
    private static func scpLike(_ text: String) -> (user: String?, host: String, path: String)? {
        guard !text.hasPrefix("/"), !text.hasPrefix("."), let colon = text.firstIndex(of: ":") else { return nil }
        let before = text[..<colon]
        let after = text[text.index(after: colon)...]
        guard !before.contains("/"), !before.isEmpty else { return nil }
        if let at = before.firstIndex(of: "@") {
            let user = String(before[..<at])
            let host = String(before[before.index(after: at)...])
            guard !host.isEmpty else { return nil }
            return (user.isEmpty ? nil : user, host, String(after))
        }
        guard before.contains(".") || before == "localhost" else { return nil }
        return (nil, String(before), String(after))
    }

    private static func trimPath(_ raw: String) -> String {
        var path = raw.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if path.hasSuffix(".git") { path.removeLast(4) }
        return path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    }

    private static func ownerAndName(of path: String) -> (owner: String, name: String)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]))
    }
}

/// A remote that could not be parsed.
public struct RepositoryReferenceError: FixloopError, Equatable {
    /// What was given (credentials already removed).
    public let text: String
    /// Why it was refused.
    public let reason: String

    public var code: String { "repository.invalid_reference" }
    public var message: String {
        "The repository '\(text)' is not usable because \(reason); give an HTTPS or SSH URL, or a local path."
    }
}
