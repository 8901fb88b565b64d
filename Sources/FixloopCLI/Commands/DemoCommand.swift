import ArgumentParser
import FixloopCore
import FixloopFixService
import FixloopGit
import FixloopReport
import FixloopScorer
import FixloopStore
import Foundation

/// `fixloop demo`: the whole loop on the bundled example product — import → score → plan → fix → branch → merge →
/// the week after → healed? → review — in a fresh state directory with a local git remote, offline with the bundled
/// scripted transcript.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run the whole loop offline on the bundled example product.",
        discussion: """
            Sets up a temporary state directory and a local git remote holding examples/shop, then runs the scorer on \
            the week's PostHog export (examples/analytics/demo-week.jsonl.gz), the planner, the engineer on the \
            ticket the planner filed. It then merges the fix branch into the remote's main branch, imports the \
            week after the deploy (examples/analytics/demo-week-two.jsonl.gz), measures whether the users' sessions \
            recovered (the healing loop's verdict) and writes the review of both weeks. The model is a replay of \
            examples/demo/demo-transcript.jsonl (a scripted transcript, offline) unless --model is given: a key in \
            the environment alone never makes the demo live. With --model openai:MODEL or anthropic:MODEL (and its \
            key) the same demo runs against a real model, and --record captures that run for replay. At the end it \
            prints the commands to look around the demo's state folder.
            """)

    @Option(help: ArgumentHelp("The model: openai:MODEL, anthropic:MODEL or replay:FILE (default: the bundled transcript, offline; a key alone never makes the demo live).", valueName: "spec"))
    var model: String?

    @Option(help: ArgumentHelp("Record the run's model calls to this file, for replay.", valueName: "file"))
    var record: String?

    @Option(help: ArgumentHelp("Work in this folder (state, remote, review) instead of a new temporary one.", valueName: "folder"))
    var work: String?

    @Option(help: ArgumentHelp("The bundled examples folder (default: ./examples, else the examples shipped with fixloop: share/fixloop/examples beside the binary, or its checkout's).", valueName: "folder"))
    var examples: String?

    @Option(help: .sandbox)
    var sandbox: SandboxChoice = .bubblewrap

    @Flag(help: "Print the summary as JSON; the stages' narration goes to standard error.") var json = false

    func run() async throws {
        let io = CommandIO.current
        let environment = io.environment ?? ProcessInfo.processInfo.environment
        let json = json
        let say: @Sendable (String) -> Void = { json ? io.writeError($0 + "\n") : io.write($0 + "\n") }
        let bundle = try DemoBundle.locate(examples, environment: environment)
        let workFolder = try work.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DemoBundle.newWorkFolder()
        let (spec, label) = try resolveModel(bundle: bundle)
        let product = try ProductContext(contentsOf: bundle.productContext)
        let stateFolder = workFolder.appendingPathComponent("state", isDirectory: true)
        var stageEnvironment = environment
        stageEnvironment["FIXLOOP_HOME"] = stateFolder.path
        let context = try CommandContext.make(environment: stageEnvironment)
        let model = try ModelSpec(parsing: spec)
        let started = ContinuousClock.now
        let now = Date()

        say("""
            Fixloop demo — scorer, planner and engineer on the bundled example product
              product  \(product.name): \(bundle.shop.path) (a Python shop backend with a planted checkout bug)
              data     \(bundle.export.path) (a week of PostHog sessions)
                       \(bundle.exportWeekTwo.path) (the week after the fix)
              model    \(label)
              work     \(workFolder.path) (state, the local remote, the review)
            """)

        var stage = DemoStage(number: 1, of: 7, say: say)
        stage.begin("set-up", "the example repository as a local git remote")
        let remote = try await DemoBundle.makeRemote(from: bundle.shop, in: workFolder.appendingPathComponent("remote", isDirectory: true))
        stage.end("remote \(remote.path) (branch main, 1 commit)")

        let transcripts = workFolder.appendingPathComponent("transcripts", isDirectory: true)
        if record != nil { try FileManager.default.createDirectory(at: transcripts, withIntermediateDirectories: true) }
        func recording(_ layer: String) -> URL? { record == nil ? nil : transcripts.appendingPathComponent("\(layer).jsonl") }

        stage.begin("scorer", "import the week's PostHog export; the model grades every session")
        var score = ScoreJob(grading: .model)
        score.files = [bundle.export]
        score.product = bundle.productContext
        score.model = model
        score.worst = 3
        score.record = recording("scorer")
        stage.show(try await score.run(context: context).text())
        stage.end()

        stage.begin("planner", "group the failures into patterns; a ticket for the frequent one, a flag for the rare one")
        var plan = PlanJob(until: PeriodBound.known(DemoBundle.weekEnd).date(relativeTo: Date()) ?? Date())
        plan.since = PeriodBound.known(DemoBundle.weekStart).date(relativeTo: Date())
        plan.repo = remote.path
        plan.model = model
        plan.record = recording("planner")
        stage.show(try await plan.run(context: context).report.text())
        let ticket = try await DemoBundle.mostUrgentBug(in: StoreBackend.open(context).plans)
        stage.end()

        stage.begin("engineer", "fix \(ticket) in the sandbox and push its branch to the local remote")
        var request = FixRequest(ticket: .reference(ticket), model: model)
        request.repository = remote.path
        request.delivery = .branchOnly
        request.credentials = EdgeSecrets(environment).fixCredentials
        request.record = recording("engineer")
        let fixStatus = try await stage.fix(request, context: context, sandbox: sandbox)
        stage.end()

        var healing: FixLife?
        if fixStatus == 0 {
            healing = try await closeTheLoop(ticket: "\(ticket)", remote: remote, bundle: bundle, model: model, context: context,
                                             stage: &stage, record: recording("scorer-week-two"))
        }

        stage.begin("report", "the review of both weeks")
        let reviewFolder = workFolder.appendingPathComponent("review", isDirectory: true)
        var builder = try ReviewBuilder(context: context, productContext: bundle.productContext.path, backend: try await StoreBackend.open(context))
        builder.product = context.configuration.product.name ?? product.name
        // Both bundled weeks, before and after the fix; the sessions are from older weeks but the fix runs now, so the
        // review reaches to now to show it.
        let review = try await builder.build(start: try DemoBundle.date(DemoBundle.weekStart),
                                             end: max(try DemoBundle.date(DemoBundle.weekTwoEnd), Date()), now: now)
        let written = try ReportCommand.write(review, to: reviewFolder)
        stage.show("review of \(review.overall.sessions) sessions, \(review.patterns.count) patterns, \(review.fixes.count) fixes, \(review.outcomes.count) deployed and measured\n"
            + "\(written.html.path)\n\(written.markdown.path)")
        stage.end()

        if let record {
            try DemoBundle.concatenate(["scorer", "planner", "engineer", "scorer-week-two"].map { transcripts.appendingPathComponent("\($0).jsonl") },
                                       into: URL(fileURLWithPath: record))
        }
        let summary = DemoSummary(review: review, remote: remote, reviewFolder: reviewFolder, elapsed: ContinuousClock.now - started,
                                  healing: healing)
        let next = DemoNext(stateFolder: stateFolder, examples: bundle.root)
        say(summary.text)
        say(next.text)
        if json { io.write(try JSONEncoder.prettyText(DemoReport(summary: summary, next: next, work: workFolder, model: spec)) + "\n") }
        if fixStatus != 0 { throw ExitCode(fixStatus) }
    }

    /// `--model`, else the bundled transcript — never a key from the environment alone; with the label the output shows.
    func resolveModel(bundle: DemoBundle) throws -> (spec: String, label: String) {
        if let model {
            return (model, model.hasPrefix("replay:") ? "replay of \(model.dropFirst(7)) — a recorded transcript, not a live model" : "\(model) (live)")
        }
        guard FileManager.default.fileExists(atPath: bundle.transcript.path) else {
            throw CommandError(code: "demo.no_transcript", message: "The bundled transcript \(bundle.transcript.path) is missing; restore it from the repository or pass --model.")
        }
        return ("replay:\(bundle.transcript.path)", "replay of \(bundle.transcript.path) — a scripted transcript, not a live model; no key, no network")
    }
}

/// One numbered stage of the demo: a heading, the nested command's output indented, and its duration.
struct DemoStage {
    var number: Int
    let of: Int
    let say: @Sendable (String) -> Void
    private var started = ContinuousClock.now

    init(number: Int, of: Int, say: @escaping @Sendable (String) -> Void) {
        self.number = number
        self.of = of
        self.say = say
    }

    mutating func begin(_ layer: String, _ what: String) {
        say("\n[\(number)/\(of)] \(layer) — \(what)")
        started = .now
    }

    mutating func end(_ note: String? = nil) {
        if let note { say("   " + note) }
        say(String(format: "   done in %.1f s", (ContinuousClock.now - started).inSeconds))
        number += 1
    }

    /// Prints a stage's result, indented.
    func show(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { say("   " + line) }
    }

    /// Runs the fix through the process's ``FixService``, printing its summary indented; returns the exit status
    /// `fixloop fix` would have (0 fixed, 1 not fixed, 2 could not run) and prints the error of a run that could not.
    func fix(_ request: FixRequest, context: CommandContext, sandbox: SandboxChoice) async throws -> Int32 {
        do {
            let service = try await FixWiring.service(context: context, sandbox: sandbox)
            let outcome = try await service.run(request)
            for line in outcome.humanSummary.split(separator: "\n") { say("   " + line) }
            switch outcome.engineer.outcome {
            case .fixed: return ExitStatus.success.rawValue
            case .notFixed, .notABug: return ExitStatus.negative.rawValue
            case .error: return ExitStatus.error.rawValue
            }
        } catch let error as any FixloopError {
            CommandIO.current.writeError("   error: \(error.message) [\(error.code)]\n")
            return ExitStatus.error.rawValue
        }
    }
}
