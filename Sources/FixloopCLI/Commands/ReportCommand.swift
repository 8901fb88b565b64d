import ArgumentParser
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
            their diffs and before/after tests, and model spend by layer. Without --since, the period is the seven \
            days ending with the newest graded session.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Review since: 7d, 2w, or a date (2025-06-02). Default: the newest graded week.", valueName: "period"))
    var since: String?

    @Option(help: ArgumentHelp("Write review.html and review.md into this folder.", valueName: "folder"))
    var out = "."

    @Option(help: ArgumentHelp("The product context Markdown file, for the product's name (default: [scorer] product_context).", valueName: "file"))
    var product: String?

    @Flag(help: "Print the review's data as JSON instead of writing files.") var json = false

    func run() async throws {
        let context = try global.context()
        try context.state.prepare()
        let now = Date()
        let productFile = product ?? context.configuration.scorer.productContext
        var builder = ReviewBuilder(database: try FixloopDatabase(url: context.state.database), state: context.state)
        builder.product = try productFile.map { try ProductContext(contentsOf: URL(fileURLWithPath: $0)).name } ?? ""
        let period = try await builder.period(since: try since.map { try SpendCommand.startDate($0, now: now) }, now: now)
        let review = try await builder.build(start: period.start, end: period.end, now: now)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            context.print(String(decoding: try encoder.encode(review), as: UTF8.self))
            return
        }
        let written = try Self.write(review, to: URL(fileURLWithPath: out, isDirectory: true))
        context.print("""
            review of \(review.overall.sessions) sessions, \(review.patterns.count) patterns, \(review.fixes.count) fixes
            \(written.html.path)
            \(written.markdown.path)
            """)
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
