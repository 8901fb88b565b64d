import FixloopCore
import FixloopHTTP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Posts messages to a Slack incoming webhook (`https://hooks.slack.com/services/…`).
///
/// Slack answers `200 ok`, or a status with a short error word in a plain-text body (`400 invalid_payload`,
/// `403 action_prohibited`, `404 no_service`, `410 channel_is_archived`, `429` with `Retry-After`, `500
/// rollup_error`). Rate limits and server errors are retried through ``RetryPolicy`` (the one retry mechanism);
/// the rest is a ``SlackError``. The webhook URL is a secret: no error or log line names more than its host.
public struct SlackWebhookClient: Sendable {
    let webhook: Secret
    let session: URLSession
    /// When to try again (``RetryPolicy/trackerAPI``: a 429 waited out as `Retry-After` names it); tests set its sleep.
    public var retry = RetryPolicy.trackerAPI

    /// - Parameter webhook: the incoming webhook's URL (`--slack-webhook`, `FIXLOOP_SLACK_WEBHOOK`, `[report] slack_webhook`).
    /// - Throws: ``SlackError`` (`slack.bad_webhook`) when it is not an http(s) URL.
    public init(webhook: Secret, session: URLSession = .shared) throws {
        guard let url = URL(string: webhook.reveal()), ["https", "http"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw SlackError(.badWebhook, "The Slack webhook is not an http(s) URL; pass the incoming webhook's URL (https://hooks.slack.com/services/…).")
        }
        self.webhook = webhook
        self.session = session
    }

    /// The webhook's host, the only part of its URL that may be shown.
    public var host: String { URL(string: webhook.reveal())?.host ?? "the webhook" }

    /// Posts `message`. - Throws: ``SlackError`` when Slack refuses it or cannot be reached.
    public func post(_ message: SlackMessage) async throws {
        let reply = try await retry.postJSON(message.payload, to: URL(string: webhook.reveal())!,
                                             headers: ["Content-Type": "application/json; charset=utf-8", "User-Agent": "fixloop"],
                                             session: session, timeout: .seconds(30))
        let (answer, waitTooLong): (HTTPAnswer, Duration?)
        switch reply {
        case .noAnswer(_, let attempts):
            throw SlackError(.transport, "Slack (\(host)) did not answer after \(attempts) attempts; check the network and the webhook, then run fixloop report again.")
        case .serverWaitTooLong(let wait, let last): (answer, waitTooLong) = (last, wait)
        case .answer(let last): (answer, waitTooLong) = (last, nil)
        }
        if answer.succeeded { return }
        let said = String(decoding: answer.body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        throw SlackError.from(status: answer.status, said: said, host: host, waitTooLong: waitTooLong)
    }
}

/// A Slack webhook that refused a message or could not be reached.
public struct SlackError: FixloopError, Equatable {
    public enum Kind: String, Sendable {
        case badWebhook = "bad_webhook"
        case invalidPayload = "invalid_payload"
        case deadWebhook = "dead_webhook"
        case rateLimited = "rate_limited"
        case server, transport
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var code: String { "slack.\(kind.rawValue)" }

    static func from(status: Int, said: String, host: String, waitTooLong: Duration?) -> SlackError {
        let answer = "Slack (\(host)) answered \(status)\(said.isEmpty ? "" : " \(said)")"
        switch status {
        case 400:
            return SlackError(.invalidPayload, "\(answer): it refused the message; this is a Fixloop bug, please report it.")
        case 403, 404, 410:
            return SlackError(.deadWebhook, "\(answer): the webhook is revoked, its app removed or its channel archived; make a new incoming webhook and pass it with --slack-webhook or FIXLOOP_SLACK_WEBHOOK.")
        case 429:
            if let wait = waitTooLong {
                return SlackError(.rateLimited, "\(answer): rate limited for \(wait.components.seconds) s, longer than Fixloop waits; run fixloop report again later.")
            }
            return SlackError(.rateLimited, "\(answer): still rate limited after waiting; run fixloop report again later.")
        default:
            return SlackError(status >= 500 ? .server : .deadWebhook, "\(answer); check the webhook, then run fixloop report again later.")
        }
    }
}
