import Foundation

/// The cost guard of `fixloop score`: before the first paid model call, the estimate is printed; on a terminal
/// the user is asked, elsewhere `--yes` is needed, so a script never sends thousands of requests by accident.
struct ModelGradingQuestion: Sendable {
    /// `--yes`: go on after printing the estimate.
    var yes: Bool
    var io: CommandIO

    /// - Throws: ``CommandError`` `score.not_confirmed` when the user declines or cannot be asked.
    func ask(_ estimate: GradingEstimate) async throws {
        io.writeError("score: model grading: \(estimate.text)\n")
        if yes { return }
        guard io.errorIsTerminal else {
            throw CommandError(code: "score.not_confirmed", message: "score would send \(estimate.sessions) sessions to \(estimate.model); nothing was sent. Rerun with --yes to grade them, --grading rubric to skip the model, or --since to grade fewer.")
        }
        io.writeError("Grade them with the model? [y/N] ")
        let answer = await Self.readLineOffThePool()?.trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "y" || answer == "yes" else {
            throw CommandError(code: "score.not_confirmed", message: "Model grading was declined; nothing was sent. The imported sessions are stored; rerun with --grading rubric to score them without the model.")
        }
    }

    /// Reads one line of standard input on a thread of its own, so the cooperative pool is not blocked.
    private static func readLineOffThePool() async -> String? {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: readLine()) }.start()
        }
    }
}
