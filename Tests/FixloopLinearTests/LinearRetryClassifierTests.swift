@testable import FixloopLinear
import FixloopHTTP
import Foundation
import Testing

/// Linear's RATELIMITED GraphQL error in front of the shared retry decision.
struct LinearRetryClassifierTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    static let rateLimited = Data(#"{"errors": [{"message": "Rate limit exceeded", "extensions": {"code": "RATELIMITED"}}]}"#.utf8)

    func decide(_ status: Int, _ headers: [String: String] = [:], body: Data = Data()) -> RetryDecision {
        LinearClient.retryClassifier.decide(HTTPAnswer(status: status, headers: headers, body: body), Self.now)
    }

    @Test func aRateLimitedErrorIsWaitedOutWhateverTheStatus() {
        #expect(decide(200, body: Self.rateLimited) == .wait(.seconds(30)))
        #expect(decide(400, ["Retry-After": "4"], body: Self.rateLimited) == .wait(.seconds(4)))
        #expect(decide(400, ["x-ratelimit-requests-reset": "1700000010000"], body: Self.rateLimited) == .wait(.seconds(11)))
    }

    @Test func otherGraphQLErrorsAreFinal() {
        #expect(decide(200, body: Data(#"{"errors": [{"message": "Entity not found"}]}"#.utf8)) == .accept)
        #expect(decide(503) == .backOff)
    }
}
