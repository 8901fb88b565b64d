import FixloopConfig
import FixloopCore
import Foundation
import Testing

/// Replay and tracker links from configuration: `[posthog] host` and `project_id`, `[product] name`.
struct SessionLinksTests {
    @Test func posthogHostAndProjectMakeSessionIdsReplayLinks() throws {
        let configuration = try FixloopConfiguration(toml: """
            [posthog]
            host = "https://eu.posthog.com/"
            project_id = 12345

            [product]
            name = "Acme Shop"
            """, file: "fixloop.toml")
        let links = configuration.sessionLinks()
        #expect(links.replayURL(sessionID: "01972fad-4bec-7da3") == "https://eu.posthog.com/project/12345/replay/01972fad-4bec-7da3")
        #expect(configuration.product.name == "Acme Shop")
        // An id with a slash stays one path segment.
        #expect(links.replayURL(sessionID: "a/b") == "https://eu.posthog.com/project/12345/replay/a%2Fb")
    }

    @Test func withoutBothKeysSessionIdsStayText() throws {
        let hostOnly = try FixloopConfiguration(toml: "[posthog]\nhost = \"https://us.posthog.com\"", file: "fixloop.toml")
        #expect(hostOnly.sessionLinks().replayURL(sessionID: "s1") == nil)
        #expect(FixloopConfiguration().sessionLinks().replayURL(sessionID: "s1") == nil)
        #expect(FixloopConfiguration().product.name == nil)
    }

    @Test(arguments: ["host = \"us.posthog.com\"", "project_id = 0", "project_id = \"12\"", "hots = \"https://x\""])
    func aBadPostHogTableNamesTheKey(line: String) {
        #expect(throws: ConfigurationError.self) { try FixloopConfiguration(toml: "[posthog]\n\(line)", file: "fixloop.toml") }
    }

    @Test func ticketsLinkToTheirTracker() {
        let links = SessionLinks(githubWeb: "https://ghe.example.com/")
        #expect(links.ticketURL("gh:acme/shop#12") == "https://ghe.example.com/acme/shop/issues/12")
        #expect(links.ticketURL("https://linear.app/acme/issue/ENG-4") == "https://linear.app/acme/issue/ENG-4")
        #expect(links.ticketURL("local:1") == nil)
        #expect(links.ticketURL("linear:ENG-4") == nil)
    }
}
