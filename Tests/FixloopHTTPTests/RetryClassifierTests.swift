import FixloopHTTP
import Foundation
import Testing

/// Which answers are worth another attempt, and the waits servers name.
struct RetryClassifierTests {
    static let now = Date(timeIntervalSince1970: 1_445_412_470) // Wed, 21 Oct 2015 07:27:50 GMT

    @Test(arguments: [
        (200, [String: String](), RetryDecision.accept), (404, [:], .accept), (401, [:], .accept), (400, [:], .accept),
        (429, [:], .backOff), (408, [:], .backOff), (500, [:], .backOff), (503, [:], .backOff),
        (429, ["Retry-After": "7"], .wait(.seconds(7))), (503, ["retry-after": "2"], .wait(.seconds(2))),
        (403, ["Retry-After": "7"], .accept),
    ])
    func theStandardDecisionRetriesRateLimitsTimeoutsAndServerErrors(status: Int, headers: [String: String], decision: RetryDecision) {
        #expect(RetryClassifier.standard.decide(HTTPAnswer(status: status, headers: headers), Self.now) == decision)
    }

    @Test func noAnswerAtAllIsWorthABackOff() {
        #expect(RetryClassifier.standard.decision(for: .noAnswer(URLError(.cannotConnectToHost)), now: Self.now) == .backOff)
    }

    @Test func aProvidersSignalComesBeforeTheStandardDecision() {
        let classifier = RetryClassifier.standard.preceded { answer, _ in
            answer.body == Data("RATELIMITED".utf8) ? .wait(.seconds(30)) : nil
        }
        #expect(classifier.decide(HTTPAnswer(status: 200, body: Data("RATELIMITED".utf8)), Self.now) == .wait(.seconds(30)))
        #expect(classifier.decide(HTTPAnswer(status: 200, body: Data("{}".utf8)), Self.now) == .accept)
        #expect(classifier.decide(HTTPAnswer(status: 502), Self.now) == .backOff)
    }

    @Test func retryAfterInSecondsMillisecondsOrAsADate() {
        #expect(RetryHeaders.retryAfter(["retry-after": "3"], now: Self.now) == .seconds(3))
        #expect(RetryHeaders.retryAfter(["retry-after-ms": "250", "retry-after": "3"], now: Self.now) == .milliseconds(250))
        #expect(RetryHeaders.retryAfter(["retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"], now: Self.now) == .seconds(10))
        #expect(RetryHeaders.retryAfter(["retry-after": "whenever"], now: Self.now) == nil)
        #expect(RetryHeaders.retryAfter([:], now: Self.now) == nil)
    }

    @Test func aResetInUnixSecondsOrMillisecondsIsAWaitFromNow() {
        let seconds = Int(Self.now.timeIntervalSince1970) + 30
        #expect(RetryHeaders.untilReset("x-ratelimit-reset", in: ["x-ratelimit-reset": "\(seconds)"], now: Self.now) == .seconds(31))
        #expect(RetryHeaders.untilReset("x-ratelimit-reset", in: ["x-ratelimit-reset": "\(seconds * 1000)"], now: Self.now) == .seconds(31))
        #expect(RetryHeaders.untilReset("x-ratelimit-reset", in: ["x-ratelimit-reset": "\(seconds - 100)"], now: Self.now) == .seconds(1))
        #expect(RetryHeaders.untilReset("x-ratelimit-reset", in: [:], now: Self.now) == nil)
    }
}
