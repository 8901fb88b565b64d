import FixloopCore
import Foundation

/// A GitHub App manifest with what `fixloop serve` needs: repository contents, issues and pull requests (write),
/// metadata (read, for the collaborator permission check), checks and actions (read, a CI round's failing checks and
/// job logs), and the Issues, Issue comment, Pull request (merges, for the healing loop), Pull request review and
/// Pull request review comment (revision rounds), Check run, Check suite and Workflow run events.
public struct GitHubAppManifest: Encodable, Sendable, Equatable {
    public struct Hook: Encodable, Sendable, Equatable {
        public var url: String
        public var active = true
    }

    public var name: String
    public var url: String
    public var hookAttributes: Hook
    public var redirectUrl: String
    public var `public` = false
    public var defaultPermissions = ["contents": "write", "issues": "write", "pull_requests": "write", "metadata": "read",
                                     "checks": "read", "actions": "read"]
    public var defaultEvents = [
        "issues", "issue_comment", "pull_request", "pull_request_review", "pull_request_review_comment", "check_run",
        "check_suite", "workflow_run", "push",
    ]

    /// - Parameters:
    ///   - name: the App's name (GitHub lets the person change it before creating).
    ///   - serveURL: where `fixloop serve` is reachable from GitHub; the webhook goes to `/webhooks/github` under it.
    ///   - redirect: where GitHub sends the browser back with the `code`.
    public init(name: String, serveURL: URL, redirect: URL) {
        self.name = name
        url = serveURL.absoluteString
        hookAttributes = Hook(url: serveURL.appendingPathComponent("webhooks/github").absoluteString)
        redirectUrl = redirect.absoluteString
    }

    /// The manifest as the JSON text the form posts (snake_case keys, sorted).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// What GitHub returns for a manifest's code: the new App's id and its two secrets.
public struct GitHubAppRegistration: Sendable {
    public let id: Int
    public let slug: String
    public let htmlURL: String
    public let privateKey: Secret
    public let webhookSecret: Secret
}

extension GitHubClient {
    /// Exchanges the code GitHub's redirect carried for the App it created (`POST /app-manifests/{code}/conversions`,
    /// no token needed; the code is good once, for an hour).
    /// - Throws: ``GitHubError`` when GitHub refuses the code or cannot be reached.
    public func convertAppManifest(code: String) async throws -> GitHubAppRegistration {
        struct Answer: Decodable {
            let id: Int
            let slug: String?
            let htmlUrl: String?
            let pem: String
            let webhookSecret: String?
        }
        let escaped = code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? code
        let answer: Answer = try await send("POST", "/app-manifests/\(escaped)/conversions")
        return GitHubAppRegistration(id: answer.id, slug: answer.slug ?? "", htmlURL: answer.htmlUrl ?? "", privateKey: Secret(answer.pem),
                                     webhookSecret: Secret(answer.webhookSecret ?? ""))
    }
}
