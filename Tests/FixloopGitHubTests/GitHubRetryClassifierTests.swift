@testable import FixloopGitHub
import FixloopHTTP
import Foundation
import Testing

/// GitHub's rate-limit signals in front of the shared retry decision.
struct GitHubRetryClassifierTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    func decide(_ status: Int, _ headers: [String: String] = [:], message: String? = nil) -> RetryDecision {
        let body = message.map { Data(#"{"message": "\#($0)"}"#.utf8) } ?? Data()
        return GitHubClient.retryClassifier.decide(HTTPAnswer(status: status, headers: headers, body: body), Self.now)
    }

    @Test func aPrimaryLimitWaitsUntilTheReset() {
        #expect(decide(403, ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000030"]) == .wait(.seconds(31)))
    }

    @Test func aSecondaryLimitWaitsAsNamedOrAMinute() {
        #expect(decide(403, ["Retry-After": "7"]) == .wait(.seconds(7)))
        #expect(decide(403, message: "You have exceeded a secondary rate limit") == .wait(.seconds(60)))
        #expect(decide(429) == .wait(.seconds(60)))
    }

    @Test func aPlainForbiddenIsFinalAndServerErrorsBackOff() {
        #expect(decide(403, ["x-ratelimit-remaining": "12"], message: "Resource not accessible by integration") == .accept)
        #expect(decide(404) == .accept)
        #expect(decide(502) == .backOff)
    }
}
