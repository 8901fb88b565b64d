import ArgumentParser
import FixloopCore
import FixloopEngineer
import FixloopModels
import FixloopPrompts
import FixloopSandbox
import FixloopTesting
import FixloopVerify
import Foundation

/// `fixloop bench candidates`: `--candidates 3` against `--candidates 1`, with a scripted model on loopback.
struct BenchCandidatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "candidates",
        abstract: "Time several candidates at once against one, on a small real repository in the sandbox with a scripted loopback model (goal: ≤ 1.5×).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Candidates in the second run.") var candidates = 3
    @Option(help: ArgumentHelp("The model server's fixed latency per call, in milliseconds.", valueName: "ms")) var latencyMs = 300
    @Option(help: ArgumentHelp("Test runs at once (default: the core count).", valueName: "n")) var jobs: Int?
    @Flag(help: "Print the figures as JSON.") var json = false

    func validate() throws {
        guard (2...8).contains(candidates) else { throw ValidationError("--candidates must be between 2 and 8.") }
        guard (0...60_000).contains(latencyMs) else { throw ValidationError("--latency-ms must be between 0 and 60000.") }
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be between 1 and 256.") }
    }

    func run() async throws {
        let context = try global.context()
        let sandbox = try await SandboxChoice.bubblewrap.make(context: context)
        let catalog = SandboxChoice.catalog()
        let (testPolicy, setupPolicy) = (try catalog.policy("test"), try catalog.policy("setup"))
        let stage = BenchStages.writer("candidates", json: json)
        let result = try await ScratchWorkspace.withFolder(label: "bench-candidates") { scratch in
            let repository = scratch.appendingPathComponent("repo", isDirectory: true)
            let baseCommit = try await CandidatesBenchFixture.makeRepository(at: repository)
            try ScratchWorkspace.makePrivate(repository)
            return try await withLoopbackModelServer(.openAI) { server in
                await server.setLatency(.milliseconds(latencyMs))
                await server.respond(with: CandidatesBenchFixture.reply)
                let model = OpenAICompatibleModelClient(model: "bench-model", endpoint: ModelEndpoint(baseURL: server.baseURL))
                var settings = EngineerSettings()
                if let jobs { settings.jobs = jobs }
                let tests = SandboxedTests(sandbox: sandbox, testPolicy: testPolicy, setupPolicy: setupPolicy,
                                           testCommand: CandidatesBenchFixture.testCommand, readOnlyPaths: [])
                let engineer = Engineer(
                    model: model, tests: tests, verifier: PatchVerifier(sandbox: sandbox, testPolicy: testPolicy, setupPolicy: setupPolicy),
                    prompts: context.prompts, settings: settings, trajectory: Trajectory(file: nil), usesTools: true, setupCommand: nil)
                stage("\(latencyMs) ms a model call, 3 calls and 1 test run a candidate, \(settings.jobs) test run(s) at once")
                return try await CandidatesBenchmark.measure(
                    engineer: engineer, candidates: candidates, workspace: repository, baseCommit: baseCommit,
                    scratch: scratch, reproduction: CandidatesBenchFixture.reproduction, stage: { stage("timing \($0)") })
            }
        }
        if json {
            let encoder = JSONEncoder.pretty
            encoder.keyEncodingStrategy = .convertToSnakeCase
            return context.print(String(decoding: try encoder.encode(result), as: UTF8.self))
        }
        let met = result.ratio <= 1.5 && result.fixedOne == 1 && result.fixedMany == result.candidates
        context.print("""
            candidates: a small Python repository in the sandbox, a scripted model at \(latencyMs) ms a call, \(result.jobs) test run(s) at once
            1 candidate     \(String(format: "%.2f", result.oneSeconds)) s (\(result.fixedOne) fixed)
            \(result.candidates) at once     \(String(format: "%.2f", result.manySeconds)) s (\(result.fixedMany) fixed)
            ratio           \(String(format: "%.2f", result.ratio))×
            goal (≤ 1.5×): \(met ? "met" : "missed")
            """)
    }
}
