import ArgumentParser
import FixloopCore
import FixloopSandbox
import Foundation

/// `fixloop doctor`: checks that this machine and configuration can run Fixloop, one sentence per problem.
///
/// With `--test CMD`, it also says where each program of the test command resolves inside the real sandbox.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that this machine and configuration can run Fixloop.",
        discussion: """
            Checks bubblewrap and its user namespaces, the sandbox uid lease, libgit2, the state directory, a key and \
            a price for every configured model, GitHub access, and serve's webhook secret. Each result is ok, skip \
            (does not apply here), warn (works, with less) or fail. With --test, each program of the test command is \
            looked up inside the sandbox (policy test, the --ro paths and [sandbox] read_only bound), and one not found \
            names the bind that would bring it in. Exits 0 when nothing fails, 2 otherwise.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("test"), help: ArgumentHelp("A test command whose programs are looked up inside the sandbox.", valueName: "command"))
    var testCommand: String?

    @Option(help: ArgumentHelp("The repository folder bound as the workspace for --test (default: an empty folder).", valueName: "folder"))
    var workspace: String?

    @Option(name: .customLong("ro"), help: ArgumentHelp("Another host path to bind read-only for --test, as fix and verify take it.", valueName: "path"))
    var readOnly: [String] = []

    @Flag(name: .long, help: "Print the checks as JSON.")
    var json = false

    func run() async throws {
        let context = try global.context()
        var report = await Doctor.run(DoctorFacts(context: context))
        if let testCommand, report.checks.first(where: { $0.name == "bubblewrap" })?.status != .fail {
            report = DoctorReport(checks: report.checks + (try await programChecks(testCommand, context: context)))
        }
        if json {
            context.print(String(decoding: try JSONEncoder.pretty.encode(report), as: UTF8.self))
        } else {
            report.lines.forEach(context.print)
            let failed = report.checks.filter { $0.status == .fail }.count
            context.print(failed == 0 ? "nothing failed" : "\(failed) check\(failed == 1 ? "" : "s") failed")
        }
        if !report.passed { throw ExitCode(ExitStatus.error.rawValue) }
    }

    /// One check per program of the test command: where the real sandbox finds it, or the bind that would.
    private func programChecks(_ command: String, context: CommandContext) async throws -> [DoctorCheck] {
        let sandbox = try await SandboxChoice.bubblewrap.make(context: context)
        let readOnly = try SandboxChoice.readOnlyPaths(self.readOnly, context: context)
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("fixloop-doctor-\(UUID().uuidString.prefix(8))", isDirectory: true)
        let folder = workspace.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? empty
        if workspace == nil { try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true) }
        defer { if workspace == nil { try? FileManager.default.removeItem(at: empty) } }
        try SandboxChoice.refuseExposedPaths([folder.path], context: context)
        let resolutions = try await ProgramResolver.resolve(
            command: command, sandbox: sandbox, workspace: folder, policy: try SandboxChoice.catalog().policy("test"),
            extraReadOnlyPaths: readOnly, hostSearchPath: context.environment["PATH"] ?? "/usr/bin:/bin")
        return resolutions.map { $0.found ? .ok("test_program", $0.summary + ".") : .fail("test_program", $0.summary + ".") }
    }
}
