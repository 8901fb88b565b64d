@testable import FixloopModels
import Foundation
import Testing

/// Rate-limit and Retry-After headers as providers send them.
@Suite struct ModelHeaderParsingTests {
    @Test(arguments: [
        ("6m0s", Duration.seconds(360)), ("1.5s", .milliseconds(1500)), ("20ms", .milliseconds(20)),
        ("1h2m3s", .seconds(3723)), ("17", .seconds(17)),
    ])
    func openAIResetDurations(text: String, expected: Duration) {
        #expect(RateLimitHeaders.duration(text, now: Date()) == expected)
    }

    @Test func anthropicResetTimes() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let formatter = ISO8601DateFormatter()
        let text = formatter.string(from: now.addingTimeInterval(42))
        #expect(RateLimitHeaders.duration(text, now: now) == .seconds(42))
        #expect(RateLimitHeaders.duration("soon", now: now) == nil)
    }

    @Test func exhaustedCountsPauseForTheLongestReset() {
        let headers = RateLimitHeaders([
            "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "2s",
            "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "5s",
        ])
        #expect(headers.exhaustedReset == .seconds(5))
        #expect(RateLimitHeaders(["x-ratelimit-remaining-requests": "3", "x-ratelimit-reset-requests": "2s"]).exhaustedReset == nil)
    }
}
