import Foundation

/// Decides whether an HTTP answer is final or worth another attempt. Providers add their own rate-limit signals
/// (GitHub's `x-ratelimit-remaining: 0` and secondary limits, Linear's `RATELIMITED`) in front of ``standard``.
public struct RetryClassifier: Sendable {
    /// The decision for one answer.
    public var decide: @Sendable (HTTPAnswer, Date) -> RetryDecision

    /// Makes a classifier from a decision.
    public init(_ decide: @escaping @Sendable (HTTPAnswer, Date) -> RetryDecision) { self.decide = decide }

    /// 429, 408 and 5xx are retried, after the server's `Retry-After` when it sent one, else after a back-off;
    /// anything else is final.
    public static let standard = RetryClassifier { answer, now in
        switch answer.status {
        case 429, 408, 500...:
            return RetryHeaders.retryAfter(answer.headers, now: now).map(RetryDecision.wait) ?? .backOff
        default:
            return .accept
        }
    }

    /// `signal` first (nil: no opinion), then this classifier.
    public func preceded(by signal: @escaping @Sendable (HTTPAnswer, Date) -> RetryDecision?) -> RetryClassifier {
        let fallback = decide
        return RetryClassifier { answer, now in signal(answer, now) ?? fallback(answer, now) }
    }

    /// The decision for a whole exchange: no answer at all (connection, timeout) is worth a back-off.
    public func decision(for result: HTTPExchangeResult, now: Date) -> RetryDecision {
        switch result {
        case .answer(let answer): return decide(answer, now)
        case .noAnswer: return .backOff
        }
    }
}

/// The waits servers name in their headers.
public enum RetryHeaders {
    /// `retry-after-ms`, or `Retry-After` in seconds or as an HTTP date; nil without either.
    /// - Parameters:
    ///   - headers: names lowercased.
    ///   - now: the wall-clock time, for a date.
    public static func retryAfter(_ headers: [String: String], now: Date) -> Duration? {
        if let text = headers["retry-after-ms"], let value = Double(text.trimmingCharacters(in: .whitespaces)) {
            return .milliseconds(Int(max(0, value)))
        }
        guard let text = headers["retry-after"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(text) { return .milliseconds(Int(max(0, seconds) * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .milliseconds(max(0, Int(date.timeIntervalSince(now) * 1000)))
    }

    /// The wait until a reset given as Unix time in seconds (or milliseconds, when it is that large), plus one
    /// second for clock skew; nil when the header is missing or unreadable.
    /// - Parameters:
    ///   - name: the header, e.g. `x-ratelimit-reset`.
    ///   - headers: names lowercased.
    ///   - now: the wall-clock time.
    public static func untilReset(_ name: String, in headers: [String: String], now: Date) -> Duration? {
        guard let value = headers[name.lowercased()].flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) else { return nil }
        let seconds = value > 1e12 ? value / 1000 : value
        return .seconds(max(1, Int(seconds - now.timeIntervalSince1970) + 1))
    }
}
