import FixloopGit
import Foundation
import Synchronization

/// A progress line on standard error: redrawn in place on a terminal, at most a few times a second; on a pipe or
/// in CI, the first and last states and one line every `pipeInterval` in between, so logs stay short.
final class ProgressLine: Sendable {
    private let label: String
    private let io: CommandIO
    private let pipeInterval: Duration?
    private let state = Mutex<(last: ContinuousClock.Instant?, written: ContinuousClock.Instant?, pending: String?)>((nil, nil, nil))

    /// - Parameters:
    ///   - label: written before each state (`"score: "`), or empty.
    ///   - pipeInterval: on a pipe, the least time between two lines; nil writes only the first and last.
    init(_ label: String, pipeInterval: Duration? = nil) {
        self.label = label
        self.io = CommandIO.current
        self.pipeInterval = pipeInterval
    }

    /// A handler for libgit2's transfer counts.
    var gitHandler: GitProgressHandler {
        { [self] progress in self.update(progress.summary) }
    }

    func update(_ text: String) {
        let now = ContinuousClock.now
        let terminal = io.errorIsTerminal
        let line: String? = state.withLock { state in
            if let last = state.last, now - last < .milliseconds(200) {
                state.pending = text
                return nil
            }
            state.last = now
            guard let written = state.written else {
                state.written = now
                return text
            }
            if terminal || pipeInterval.map({ now - written >= $0 }) == true {
                state.written = now
                state.pending = nil
                return text
            }
            state.pending = text
            return nil
        }
        if let line { write(line) }
    }

    /// Writes the final state and ends the line.
    func finish(_ text: String? = nil) {
        let pending = state.withLock { $0.pending }
        if let final = text ?? pending { write(final) }
        if io.errorIsTerminal { io.writeError("\n") }
    }

    private func write(_ text: String) {
        let line = label.isEmpty ? text : "\(label): \(text)"
        io.writeError(io.errorIsTerminal ? "\r\u{1B}[K\(line)" : "\(line)\n")
    }
}
