import FixloopGit
import Foundation
import Synchronization

/// A progress line on standard error: redrawn in place on a terminal, at most a few times a second;
/// on a pipe or in CI, only the first and last states are written, so logs stay short.
final class ProgressLine: Sendable {
    private let label: String
    private let state = Mutex<(last: ContinuousClock.Instant?, pending: String?)>((nil, nil))

    init(_ label: String) { self.label = label }

    /// A handler for libgit2's transfer counts.
    var gitHandler: GitProgressHandler {
        { [self] progress in self.update(progress.summary) }
    }

    func update(_ text: String) {
        let now = ContinuousClock.now
        let line: String? = state.withLock { state in
            if let last = state.last, now - last < .milliseconds(200) {
                state.pending = text
                return nil
            }
            let first = state.last == nil
            state.last = now
            state.pending = nil
            return StandardError.isTerminal || first ? text : nil
        }
        if let line { write(line) }
    }

    /// Writes the final state and ends the line.
    func finish(_ text: String? = nil) {
        let pending = state.withLock { $0.pending }
        if let final = text ?? pending { write(final) }
        if StandardError.isTerminal { StandardError.write("\n") }
    }

    private func write(_ text: String) {
        let line = label.isEmpty ? text : "\(label): \(text)"
        StandardError.write(StandardError.isTerminal ? "\r\u{1B}[K\(line)" : "\(line)\n")
    }
}
