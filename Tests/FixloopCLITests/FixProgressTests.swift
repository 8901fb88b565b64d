@testable import FixloopCLI
import FixloopCore
import Synchronization
import Testing

/// The lines `fix` writes while it works: plain lines on a pipe; on a terminal one live line for the model's turns and
/// test runs, redrawn in place, while each step keeps its own line.
struct FixProgressTests {
    func written(terminal: Bool, _ events: [(FixStep, String, String)]) -> String {
        let text = Mutex("")
        var io = CommandIO(environment: [:], write: { _ in })
        io.writeError = { chunk in text.withLock { $0 += chunk } }
        io.errorIsTerminal = terminal
        let writer = FixProgressWriter(io: io)
        for (step, kind, detail) in events { writer.write(step, kind: kind, detail: detail) }
        writer.end()
        return text.withLock { $0 }
    }

    let events: [(FixStep, String, String)] = [
        (.baseline, "tests", "3 passed, 1 failed"), (.candidate(1), "model_reply", "reading cart.py"),
        (.candidate(1), "tool_run_tests", "4 passed"), (.verify, "verified", "resolved"),
    ]

    @Test func onAPipeEveryStepIsItsOwnPlainLine() {
        #expect(written(terminal: false, events) == """
            fix: baseline · tests: 3 passed, 1 failed
            fix: candidate-1 · model turn
            fix: candidate-1 · tests: 4 passed
            fix: verify · verified: resolved

            """)
    }

    @Test func onATerminalTurnsAndTestRunsRedrawOneLiveLineAndStepsStay() {
        let clear = "\r\u{1B}[K"
        #expect(written(terminal: true, events) == clear + "fix: baseline · tests: 3 passed, 1 failed\n" + clear + "fix: candidate-1 · model turn"
            + clear + "fix: candidate-1 · tests: 4 passed" + clear + "fix: verify · verified: resolved\n" + clear)
    }
}
