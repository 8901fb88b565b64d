import FixloopCore
import Foundation

extension FixloopConfiguration {
    /// Reads `[posthog]` (`host`, `project_id`).
    mutating func readPostHogTable(_ root: inout ConfigSection) throws {
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
    }
}
