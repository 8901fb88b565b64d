import ArgumentParser
import FixloopCore
import FixloopReport
import FixloopScorer
import FixloopStore
import Foundation

/// `fixloop report`: the week's review as one self-contained HTML page, plus Markdown for pasting.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write the week's review as one self-contained HTML page and Markdown.",
        discussion: """
            The page shows the implied NPS per day and its distribution (inline SVG), the patterns with the sessions \
            they affected and example blurbs, the tickets and flags with their reasons, the engineer's fixes with \
            their diffs and before/after tests, and model spend by layer. The period is an ISO week (--week 2025-W23, \
            Monday to Monday UTC); without --week, --since or --until, the week of the newest graded session; with \
            --until alone, the seven days before it. A week that has not ended yet is marked partial.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: .since("Review what happened"), transform: PeriodBound.argument) var since: PeriodBound?

    @Option(help: .until("Review what happened", default: nil), transform: PeriodBound.argument) var until: PeriodBound?

    @Option(help: ArgumentHelp("Review this ISO week (YYYY-Www, e.g. 2025-W23), Monday to Monday UTC.", valueName: "week"),
            transform: ReportCommand.week) var week: ISOWeek?

    @Option(help: ArgumentHelp("Write review.html and review.md into this folder.", valueName: "folder"))
    var out = "."

    @Option(help: ArgumentHelp("The product context Markdown file, for the product's name when [product] name is not set (default: [scorer] product_context).", valueName: "file"))
    var product: String?

    @Flag(help: "Print the review's data as JSON instead of writing files.") var json = false

    @Option(help: ArgumentHelp("Also post the week's summary to this Slack incoming webhook (default: FIXLOOP_SLACK_WEBHOOK, else [report] slack_webhook).",
                               valueName: "url"))
    var slackWebhook: String?

    func run() async throws {
        let context = try global.context()
        try context.state.prepare()
        let now = Date()
        let productFile = product ?? context.configuration.scorer.productContext
        let builder = try ReviewBuilder(context: context, productContext: productFile, backend: try await StoreBackend.open(context))
        var period = (start: week?.start ?? now, end: week?.end ?? now)
        if week == nil {
            period = try await builder.period(
                since: since.map { $0.date(relativeTo: now) ?? .distantPast }, until: until?.date(relativeTo: now), now: now)
        }
        let review = try await builder.build(start: period.start, end: period.end, now: now)
        if json { return try context.printJSON(review) }
        let written = try Self.write(review, to: URL(fileURLWithPath: out, isDirectory: true))
        context.print("""
            review of \(review.overall.sessions) sessions, \(review.patterns.count) patterns, \(review.fixes.count) fixes
            \(written.html.path)
            \(written.markdown.path)
            """)
        try await ReportSlack.announce(review, file: written.html, option: slackWebhook, context: context)
    }

    func validate() throws {
        if week != nil && (since != nil || until != nil) {
            throw ValidationError("--week names the whole period; drop --since and --until, or drop --week.")
        }
    }

    /// Parses `--week`; a bad value fails the parse (exit 2) with the accepted form.
    static func week(_ text: String) throws -> ISOWeek {
        guard let week = ISOWeek(parsing: text) else {
            throw ValidationError("--week \(text) is not an ISO week; write it YYYY-Www, e.g. 2025-W23.")
        }
        return week
    }

    /// Writes `review.html` and `review.md` into `folder` (created when missing).
    static func write(_ review: WeeklyReview, to folder: URL) throws -> (html: URL, markdown: URL) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let html = folder.appendingPathComponent("review.html")
            let markdown = folder.appendingPathComponent("review.md")
            try ReviewHTML.render(review).write(to: html, atomically: true, encoding: .utf8)
            try ReviewMarkdown.render(review).write(to: markdown, atomically: true, encoding: .utf8)
            return (html, markdown)
        } catch {
            throw CommandError(code: "report.unwritable", message: "Could not write the review into \(folder.path) (\(error.localizedDescription)); pick a writable folder with --out.")
        }
    }
}
