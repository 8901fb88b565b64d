import FixloopCore
import FixloopGit
import FixloopReport
import FixloopResources
import FixloopStore
import Foundation

/// The bundled example the demo runs on: the product repository, its week of analytics, its product context and
/// the scripted model transcript.
struct DemoBundle {
    let root: URL
    var shop: URL { root.appendingPathComponent("shop", isDirectory: true) }
    var export: URL { root.appendingPathComponent("analytics/demo-week.jsonl.gz") }
    /// The week after, once the fix was deployed (the planted bug gone).
    var exportWeekTwo: URL { root.appendingPathComponent("analytics/demo-week-two.jsonl.gz") }
    var productContext: URL { root.appendingPathComponent("product-context.md") }
    var transcript: URL { root.appendingPathComponent("demo/demo-transcript.jsonl") }

    /// The first day of the bundled week (the planner's `--since`).
    static let weekStart = "2025-06-02"
    /// The day after its last (the planner's `--until`).
    static let weekEnd = "2025-06-09"
    /// The day after the second week's last; the second week starts at ``weekEnd``, where the demo states the deploy.
    static let weekTwoEnd = "2025-06-16"

    /// One of the days above as a moment (midnight UTC).
    static func date(_ day: String) throws -> Date {
        guard let date = PeriodBound.known(day).date(relativeTo: Date()) else {
            throw CommandError(code: "demo.bad_day", message: "'\(day)' is not a day; this is a bug in the demo.")
        }
        return date
    }

    /// `folder`, else `./examples`, else the examples shipped with the binary (``ResourceLocator``: beside the
    /// installed binary, else the checkout it was built in).
    static func locate(_ folder: String?, environment: [String: String], locator: ResourceLocator = .standard) throws -> DemoBundle {
        var candidates: [URL] = []
        if let folder { candidates.append(URL(fileURLWithPath: folder, isDirectory: true)) } else {
            candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("examples", isDirectory: true))
            if let shipped = locator.url(.examples) { candidates.append(shipped) }
        }
        for candidate in candidates {
            let bundle = DemoBundle(root: candidate)
            if [bundle.export, bundle.exportWeekTwo, bundle.shop].allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) {
                return bundle
            }
        }
        throw CommandError(code: "demo.no_examples", message: "Cannot find the bundled examples (examples/shop, examples/analytics/demo-week.jsonl.gz and demo-week-two.jsonl.gz) in \(candidates.map(\.path).joined(separator: " or ")); reinstall the release (they ship in share/fixloop/examples) or pass --examples FOLDER.")
    }

    static func newWorkFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fixloop-demo-\(UUID().uuidString.prefix(8).lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A bare repository at `folder/shop.git` holding the example's files in one commit on `main` (made in
    /// `folder/seed` and pushed), all with libgit2.
    static func makeRemote(from source: URL, in folder: URL) async throws -> URL {
        let repository = folder.appendingPathComponent("seed", isDirectory: true)
        let bare = folder.appendingPathComponent("shop.git", isDirectory: true)
        if FileManager.default.fileExists(atPath: bare.path) {
            throw CommandError(code: "demo.work_not_empty", message: "\(repository.path) already exists; give --work a new or empty folder.")
        }
        let files = FileManager.default.enumerator(at: source, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = files?.nextObject() as? URL {
            let relative = String(url.path.dropFirst(source.path.count + 1))
            if relative.split(separator: "/").contains(where: { $0 == "__pycache__" || $0 == ".pytest_cache" }) { continue }
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let target = repository.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: url, to: target)
        }
        let copy = try await GitWorkingCopy.initialize(at: repository)
        _ = try await copy.commitAll(message: "Acme Shop backend", author: GitSignature(name: "Acme", email: "dev@acme.example"))
        try await GitWorkingCopy.initializeBare(at: bare)
        try await copy.push(branch: "main", to: try RepositoryReference(parsing: bare.path))
        try? FileManager.default.removeItem(at: repository)
        return bare
    }

    /// The most urgent bug ticket the planner filed in the store.
    static func mostUrgentBug(in store: any StoredTicketReader) async throws -> TicketReference {
        let bugs = try await store.tickets().filter { $0.classification == "bug" && $0.sink == "local" }
        guard let ticket = bugs.min(by: { ($0.priority, $0.id) < ($1.priority, $1.id) }) else {
            throw CommandError(code: "demo.no_ticket", message: "The planner filed no bug ticket on the demo week, so the engineer has nothing to fix; check the planner's output above.")
        }
        return .local(id: ticket.id)
    }

    /// Joins the per-layer transcripts into one replayable file.
    static func concatenate(_ parts: [URL], into target: URL) throws {
        var data = Data()
        for part in parts {
            guard let bytes = FileManager.default.contents(atPath: part.path) else { continue }
            data.append(bytes)
            if let last = bytes.last, last != 0x0A { data.append(0x0A) }
        }
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: target)
    }
}

/// The demo's closing summary.
struct DemoSummary {
    let review: WeeklyReview
    let remote: URL
    let reviewFolder: URL
    let elapsed: Duration
    /// The fix's life after its merge, with the healing loop's measurement; nil when the fix did not land.
    var healing: FixLife?

    var text: String {
        var lines = ["", "== summary"]
        lines.append("sessions   \(review.overall.sessions) graded · implied NPS \(String(format: "%+.0f", review.overall.nps)) "
            + "(\(review.overall.promoters) promoters, \(review.overall.passives) passives, \(review.overall.detractors) detractors)")
        lines.append("patterns   \(review.patterns.count)")
        for pattern in review.patterns where pattern.decision != "ignore" {
            lines.append("  \(pattern.decision.padding(toLength: 6, withPad: " ", startingAt: 0)) \(pattern.name) — \(pattern.sessions) sessions\(pattern.ticket.map { " (\($0))" } ?? "")")
        }
        if let fix = review.fixes.first {
            lines.append("fix        \(fix.ticket): \(fix.outcome) — \(fix.reason)")
            if let branch = fix.branch { lines.append("branch     \(branch) in \(remote.path)") }
            if !fix.failToPass.isEmpty { lines.append("tests      failed before, pass after: \(fix.failToPass.joined(separator: ", "))") }
        } else {
            lines.append("fix        the engineer did not run")
        }
        lines.append("review     \(reviewFolder.appendingPathComponent("review.html").path) (and review.md)")
        lines.append(String(format: "took       %.0f s", elapsed.inSeconds))
        // It ends with the point of it all: did the users' sessions recover after the fix?
        lines += Self.outcomeLines(healing)
        return lines.joined(separator: "\n")
    }
}

/// The commands a newcomer can paste after the demo: its state folder as `FIXLOOP_HOME`, where to look, and how to
/// run it live.
struct DemoNext {
    let stateFolder: URL
    let examples: URL

    var text: String {
        [
            "",
            "next:",
            "  export FIXLOOP_HOME=\(Self.quoted(stateFolder.path))   # the demo's state folder",
            "  fixloop show latest        # the engineer's run, step by step",
            "  fixloop tickets list       # the tickets the planner filed",
            "  fixloop outcomes           # did the fix work? its before/after figures and verdict",
            "  fixloop report             # the week's review again",
            "  fixloop spend              # what the model calls cost",
            "  fixloop demo --examples \(Self.quoted(examples.path)) --model openai:gpt-4.1   # the same demo live (needs OPENAI_API_KEY)",
        ].joined(separator: "\n")
    }

    /// `text` as one shell word.
    static func quoted(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+".contains($0) } ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// What `demo --json` prints: where everything is, the review's data, and the next commands.
struct DemoReport: Encodable {
    let work: String
    let state: String
    let remote: String
    let reviewHTML: String
    let model: String
    let elapsedSeconds: Double
    let review: WeeklyReview
    /// The fix's life after its merge and the healing loop's verdict, as `fixloop outcomes --json` prints it.
    let outcome: OutcomeRow?
    let next: [String]

    init(summary: DemoSummary, next: DemoNext, work: URL, model: String) {
        self.work = work.path
        state = next.stateFolder.path
        remote = summary.remote.path
        reviewHTML = summary.reviewFolder.appendingPathComponent("review.html").path
        self.model = model
        elapsedSeconds = summary.elapsed.inSeconds
        review = summary.review
        outcome = summary.healing.map(OutcomeRow.init)
        self.next = next.text.split(separator: "\n").dropFirst(1).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "next:" }
    }
}
