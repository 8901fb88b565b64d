import ArgumentParser
import FixloopCore
import Foundation

extension Fixloop {
    /// Prints an error that is not a ``FixloopError`` and returns its exit status.
    ///
    /// swift-argument-parser's own errors (usage, `--help`, `--version`) keep its message; a usage error exits 2,
    /// as the README documents, instead of its `EX_USAGE` (64). Anything else is a bug or an unforeseen system
    /// failure: one sentence without the raw error dump, exit 2.
    static func report(_ error: any Error) -> Int32 {
        let code = exitCode(for: error)
        guard code != .failure || error is CleanExit || error is ValidationError else {
            CommandIO.current.writeError("error: \(unexpectedMessage(for: error)) [cli.unexpected]\n")
            return ExitStatus.error.rawValue
        }
        let message = fullMessage(for: error)
        if !message.isEmpty {
            if code == .success { CommandIO.current.write(message + "\n") } else { CommandIO.current.writeError(message + "\n") }
        }
        return code == .success ? ExitStatus.success.rawValue : ExitStatus.error.rawValue
    }

    /// One sentence for an error Fixloop did not foresee: the file and the system's reason for file-system
    /// errors (Foundation's `NSCocoaErrorDomain` ones), else the error's type; never its full description.
    static func unexpectedMessage(for error: any Error) -> String {
        let nsError = error as NSError
        let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError
        let reason = underlying.flatMap { $0.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32($0.code))) : nil }
        if nsError.domain == NSCocoaErrorDomain, let path = nsError.userInfo[NSFilePathErrorKey] as? String {
            let blocker = LocalFolders.fileInTheWay(to: URL(fileURLWithPath: path).deletingLastPathComponent())
            let cause = blocker.map { "\($0) is a file, not a folder" } ?? reason ?? "file system error \(nsError.code)"
            return "The file operation on \(path) failed (\(cause)); check the path and its permissions, then run again."
        }
        return "The command stopped on an unexpected \(String(reflecting: type(of: error))) error "
            + "(\(nsError.domain) \(nsError.code)); run it again, and report it if it happens again."
    }
}
