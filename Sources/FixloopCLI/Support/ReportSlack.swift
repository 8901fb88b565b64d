import FixloopCore
import FixloopReport
import FixloopSlack
import Foundation

/// `fixloop report`'s Slack delivery: the week's summary as a ``SlackMessage`` to the incoming webhook of
/// `--slack-webhook`, else `FIXLOOP_SLACK_WEBHOOK` (``EdgeSecrets``), else `[report] slack_webhook`. Runs after the
/// review files are written, so a dead webhook loses nothing: its error (exit 2) says the files are there.
enum ReportSlack {
    /// The webhook to post to, nil when none is set.
    static func webhook(option: String?, context: CommandContext) -> Secret? {
        if let option, !option.isEmpty { return Secret(option) }
        return EdgeSecrets(context.environment).slackWebhook ?? context.configuration.report.slackWebhook.map(Secret.init)
    }

    /// Posts `review`'s summary when a webhook is set. - Throws: ``SlackError`` (its message names the written file).
    static func announce(_ review: WeeklyReview, file: URL, option: String?, context: CommandContext, client: ((Secret) throws -> SlackWebhookClient)? = nil) async throws {
        guard let webhook = webhook(option: option, context: context) else { return }
        let make = client ?? { try SlackWebhookClient(webhook: $0) }
        do {
            let slack = try make(webhook)
            try await slack.post(SlackMessage.review(digest(review, file: file, url: context.configuration.report.url)))
            context.print("posted the summary to Slack (\(slack.host))")
        } catch let error as SlackError {
            throw SlackError(error.kind, error.message + " The review itself was written: \(file.path).")
        }
    }

    /// The summary's values from the review.
    static func digest(_ review: WeeklyReview, file: URL, url: String?) -> ReviewDigest {
        let week = ISOWeek(containing: review.periodStart)
        let isWeek = week.start == review.periodStart && week.end == review.periodEnd
        let days = DateFormatter()
        days.dateFormat = "yyyy-MM-dd"
        days.timeZone = TimeZone(identifier: "UTC")
        days.locale = Locale(identifier: "en_US_POSIX")
        let period = isWeek ? week.description
            : "\(days.string(from: review.periodStart)) – \(days.string(from: review.periodEnd.addingTimeInterval(-1)))"
        return ReviewDigest(
            product: review.product, period: period, nps: review.overall.nps,
            previousNPS: review.previous.flatMap { $0.sessions > 0 ? $0.nps : nil }, sessions: review.overall.sessions,
            patterns: review.patterns.map { .init(name: $0.name, sessions: $0.sessions, decision: $0.decision) },
            ticketsFixed: review.fixes.filter { $0.outcome == "fixed" }.count, ticketsTried: review.fixes.count, ticketErrors: review.errors.count,
            spendUSD: review.spend.reduce(0) { $0 + $1.costUSD }, reviewURL: url, reviewFile: file.path, partial: review.partialUntil != nil)
    }
}
