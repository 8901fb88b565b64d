import ArgumentParser
import FixloopCore
import Foundation

/// `fixloop doctor`: checks that this machine and configuration can run Fixloop, one sentence per problem.
///
/// `--test CMD` is kept for a later check that says where each program of a test command resolves inside the sandbox.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that this machine and configuration can run Fixloop.",
        discussion: """
            Checks bubblewrap and its user namespaces, the sandbox uid lease, libgit2, the state directory, a key and \
            a price for every configured model, GitHub access, and serve's webhook secret. Each result is ok, skip \
            (does not apply here), warn (works, with less) or fail. Exits 0 when nothing fails, 2 otherwise.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print the checks as JSON.")
    var json = false

    func run() async throws {
        let context = try global.context()
        let report = await Doctor.run(DoctorFacts(context: context))
        if json {
            context.print(String(decoding: try JSONEncoder.pretty.encode(report), as: UTF8.self))
        } else {
            report.lines.forEach(context.print)
            let failed = report.checks.filter { $0.status == .fail }.count
            context.print(failed == 0 ? "nothing failed" : "\(failed) check\(failed == 1 ? "" : "s") failed")
        }
        if !report.passed { throw ExitCode(ExitStatus.error.rawValue) }
    }
}
