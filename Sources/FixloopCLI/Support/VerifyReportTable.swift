import FixloopCore
import FixloopVerify
import Foundation

/// The human form of a verification report: a verdict line and a short table.
struct VerifyReportTable {
    let report: VerificationReport

    var text: String {
        var lines: [String] = []
        let verdict = report.status == "resolved" ? "RESOLVED" : report.status == "unresolved" ? "NOT RESOLVED" : "ERROR"
        lines.append("verify: \(verdict): \(report.reason)")
        if let method = report.patch.method {
            lines.append("  patch        applied with \(method) (\(report.patch.files.count) file(s))")
        } else if let failure = report.patch.failure {
            lines.append("  patch        did not apply: \(failure)")
        }
        if let setup = report.setup { lines.append("  setup        \(setup.ending)") }
        lines.append("  before       \(Self.summary(report.before))")
        lines.append("  after        \(report.patchApplied ? Self.summary(report.after) : "not run")")
        lines.append("  flaky        \(report.flakyTests.isEmpty ? "none" : report.flakyTests.joined(separator: ", "))")
        if !report.unstableTests.isEmpty {
            lines.append("  unstable ids \(report.unstableTests.joined(separator: ", ")) (compared by their stable part)")
        }
        if !report.restoredTestFiles.isEmpty {
            lines.append("  restored     \(report.restoredTestFiles.joined(separator: ", ")) (test files come from the base "
                + "and the test patch, not the patch)")
        }
        for problem in report.before.evidenceProblems.map({ "before, " + $0 }) + report.after.evidenceProblems.map({ "after, " + $0 }) {
            lines.append("  evidence     \(problem)")
        }
        lines.append(String(format: "  time         %.1f s in all", report.durations.totalSeconds))
        let rows = report.failToPass.map { ($0.key, "fail-to-pass", $0.value) }
            + report.passToPass.map { ($0.key, "pass-to-pass", $0.value) }
        if !rows.isEmpty {
            var table = TextTable(header: ["test", "list", "before", "after"])
            for row in rows.sorted(by: { ($0.1, $0.0) < ($1.1, $1.0) }) {
                let name = row.0.count > 70 ? String(row.0.prefix(69)) + "…" : row.0
                table.append([name, row.1, report.before.outcomes[row.0]?.rawValue ?? "missing", row.2.rawValue])
            }
            lines.append("")
            lines += table.lines.map { "  " + $0 }
        }
        if report.status == "error", report.setup?.succeeded != false, report.before.runs.count > 0,
           !report.after.outputTail.isEmpty {
            lines.append("")
            lines.append("test output (tail):")
            lines.append(String(report.after.outputTail.suffix(1000)))
        }
        if report.status == "error", let setup = report.setup, !setup.succeeded, !setup.outputTail.isEmpty {
            lines.append("")
            lines.append("setup output (tail):")
            lines.append(setup.outputTail)
        }
        return lines.joined(separator: "\n")
    }

    static func summary(_ picture: TestPicture) -> String {
        let order = ["passed", "failed", "error", "skipped"]
        let parts = order.compactMap { key in picture.summary[key].map { "\($0) \(key)" } }
        let source = picture.sources.isEmpty ? "" : " (from \(picture.sources.joined(separator: ", ")))"
        return (parts.isEmpty ? "no tests" : parts.joined(separator: ", ")) + source
    }
}
