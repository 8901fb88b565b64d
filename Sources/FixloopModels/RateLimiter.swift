import FixloopCore
import Foundation

/// One limiter for the whole process, so concurrent jobs queue for a provider instead of all failing with 429.
///
/// Each key (a model spec) has a sliding window of granted requests. A caller waits until the window has room
/// for one more request and its estimated tokens. Limits come from `[rate_limits]`; where none is configured,
/// the ones providers announce in `x-ratelimit-*` and `anthropic-ratelimit-*` headers are learned, and a
/// `remaining: 0` or a 429's `Retry-After` pauses the key for every caller. Build one at the edge and hand it
/// to every client; it is not a global.
public actor RateLimiter {
    /// A granted request, to be settled with the tokens it really used.
    public struct Ticket: Sendable, Hashable {
        let id: UUID
        let key: String
    }

    private struct Grant {
        let id: UUID
        let at: ContinuousClock.Instant
        var tokens: Int
    }

    private struct KeyState {
        var grants: [Grant] = []
        var pausedUntil: ContinuousClock.Instant?
        var learned = RateLimit()
    }

    private let configured: RateLimitTable
    private let window: Duration
    private var states: [String: KeyState] = [:]

    /// Makes a limiter.
    /// - Parameters:
    ///   - limits: configured limits by spec or provider.
    ///   - window: the window the limits count over; a minute, shorter only in tests.
    public init(limits: RateLimitTable = RateLimitTable(), window: Duration = .seconds(60)) {
        self.configured = limits
        self.window = window
    }

    /// The limit in force for `spec`: configured values first, learned ones where none is configured.
    public func limit(for spec: ModelSpec) -> RateLimit {
        let learned = states[spec.description]?.learned ?? RateLimit()
        let fixed = configured.limit(for: spec) ?? RateLimit()
        return RateLimit(
            requestsPerMinute: fixed.requestsPerMinute ?? learned.requestsPerMinute,
            tokensPerMinute: fixed.tokensPerMinute ?? learned.tokensPerMinute)
    }

    /// Waits until one more request of about `estimatedTokens` fits the limits for `spec`, then counts it.
    /// - Returns: the ticket to settle once the real usage is known.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    @discardableResult
    public func acquire(_ spec: ModelSpec, estimatedTokens: Int) async throws -> Ticket {
        let key = spec.description
        while true {
            try Task.checkCancellation()
            let now = ContinuousClock.now
            var state = states[key] ?? KeyState()
            state.grants.removeAll { now - $0.at >= window }
            let wait = waitUntil(state: state, limit: limit(for: spec), tokens: estimatedTokens, now: now)
            guard let wait else {
                let ticket = Ticket(id: UUID(), key: key)
                state.grants.append(Grant(id: ticket.id, at: now, tokens: estimatedTokens))
                states[key] = state
                return ticket
            }
            states[key] = state
            try await Task.sleep(until: wait, clock: .continuous)
        }
    }

    private func waitUntil(state: KeyState, limit: RateLimit, tokens: Int, now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        if let paused = state.pausedUntil, paused > now { return paused }
        if let rpm = limit.requestsPerMinute, state.grants.count >= rpm {
            return state.grants[state.grants.count - rpm].at + window
        }
        if let tpm = limit.tokensPerMinute, !state.grants.isEmpty {
            var used = state.grants.reduce(0) { $0 + $1.tokens }
            guard used + tokens > tpm else { return nil }
            // The earliest moment enough old grants have left the window; a request bigger than the whole
            // limit waits only for an empty window, or it would wait for ever.
            for grant in state.grants {
                used -= grant.tokens
                if used + tokens <= tpm || used == 0 { return grant.at + window }
            }
        }
        return nil
    }

    /// Replaces a request's estimate with the tokens it really used (nothing when it has left the window).
    public func settle(_ ticket: Ticket, actualTokens: Int) {
        guard var state = states[ticket.key], let index = state.grants.firstIndex(where: { $0.id == ticket.id }) else { return }
        state.grants[index].tokens = actualTokens
        states[ticket.key] = state
    }

    /// Holds every caller of `spec` back for `duration` (a 429's `Retry-After`).
    public func pause(_ spec: ModelSpec, for duration: Duration) {
        let until = ContinuousClock.now + duration
        var state = states[spec.description] ?? KeyState()
        if state.pausedUntil.map({ $0 < until }) ?? true { state.pausedUntil = until }
        states[spec.description] = state
    }

    /// Learns limits and pauses from a response's headers.
    /// - Parameters:
    ///   - spec: the model the response came from.
    ///   - headers: the response headers, names lowercased.
    public func learn(_ spec: ModelSpec, headers: [String: String]) {
        let header = RateLimitHeaders(headers)
        var state = states[spec.description] ?? KeyState()
        if let value = header.requestLimit { state.learned.requestsPerMinute = value }
        if let value = header.tokenLimit { state.learned.tokensPerMinute = value }
        states[spec.description] = state
        if let reset = header.exhaustedReset { pause(spec, for: reset) }
    }
}

/// The rate-limit headers of OpenAI (`x-ratelimit-*`) and Anthropic (`anthropic-ratelimit-*`), parsed.
struct RateLimitHeaders {
    var requestLimit: Int?
    var tokenLimit: Int?
    /// When a remaining count is 0, how long until it resets.
    var exhaustedReset: Duration?

    init(_ headers: [String: String], now: Date = Date()) {
        func int(_ name: String) -> Int? { headers[name].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        requestLimit = int("x-ratelimit-limit-requests") ?? int("anthropic-ratelimit-requests-limit")
        tokenLimit = int("x-ratelimit-limit-tokens") ?? int("anthropic-ratelimit-tokens-limit")
        let pairs: [(String, String)] = [
            ("x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"),
            ("x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"),
            ("anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset"),
            ("anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset"),
        ]
        for (remaining, reset) in pairs where int(remaining) == 0 {
            guard let text = headers[reset], let duration = Self.duration(text, now: now) else { continue }
            exhaustedReset = max(exhaustedReset ?? .zero, duration)
        }
    }

    /// `6m0s`, `1.5s`, `20ms` (OpenAI) or an RFC 3339 time (Anthropic), as a duration from `now`.
    static func duration(_ text: String, now: Date) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.contains("T") {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let date = formatter.date(from: trimmed) ?? ISO8601DateFormatter().date(from: trimmed)
            return date.map { .milliseconds(max(0, Int($0.timeIntervalSince(now) * 1000))) }
        }
        var total = 0.0
        var number = ""
        var index = trimmed.startIndex
        var sawUnit = false
        while index < trimmed.endIndex {
            let character = trimmed[index]
            if character.isNumber || character == "." {
                number.append(character)
                index = trimmed.index(after: index)
                continue
            }
            let rest = trimmed[index...]
            let (unit, scale): (String, Double) =
                rest.hasPrefix("ms") ? ("ms", 0.001) : rest.hasPrefix("h") ? ("h", 3600)
                : rest.hasPrefix("m") ? ("m", 60) : rest.hasPrefix("s") ? ("s", 1) : ("", 0)
            guard !unit.isEmpty, let value = Double(number) else { return nil }
            total += value * scale
            number = ""
            sawUnit = true
            index = trimmed.index(index, offsetBy: unit.count)
        }
        if !number.isEmpty {
            guard let value = Double(number) else { return nil }
            total += value
        } else if !sawUnit {
            return nil
        }
        return .milliseconds(Int(total * 1000))
    }
}
