import FixloopCore
import Foundation

/// The `[product]` table of `fixloop.toml`: what the review calls the product.
public struct ProductSettings: Sendable, Equatable {
    /// The name on the review page's title; nil falls back to the product context's first heading.
    public var name: String?

    /// Nothing configured.
    public init(name: String? = nil) { self.name = name }
}

extension FixloopConfiguration {
    /// Reads `[posthog]` (`host`, `project_id`) and `[product]` (`name`).
    mutating func readLinkTables(_ root: inout ConfigSection) throws {
        var posthogTable = try root.section("posthog")
        if let host = try posthogTable.string("host") {
            guard let url = URL(string: host), ["https", "http"].contains(url.scheme ?? ""), url.host != nil else {
                throw ConfigurationError(kind: .invalidValue, file: posthogTable.file, key: "posthog.host",
                                         detail: "is \"\(host)\" but must be the instance's address, e.g. https://us.posthog.com or https://eu.posthog.com")
            }
            posthog.host = host
        }
        posthog.projectID = try posthogTable.int("project_id", range: 1...Int.max)
        try posthogTable.finish()
        var productTable = try root.section("product")
        product.name = try productTable.string("name").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        try productTable.finish()
    }

    /// The links the review and `sessions show` put on session ids and tickets: PostHog replays when `[posthog]`
    /// names a host and a project; `gh:` tickets on `githubWeb`.
    public func sessionLinks(githubWeb: String = "https://github.com") -> SessionLinks {
        SessionLinks(posthogHost: posthog.host, posthogProjectID: posthog.projectID, githubWeb: githubWeb)
    }
}
