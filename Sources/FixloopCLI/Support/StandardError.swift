import Foundation

/// Writes to the process's standard error, unbuffered.
enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// True when standard error is a terminal, so progress lines may redraw themselves.
    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
