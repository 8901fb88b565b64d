import FixloopCore
import Foundation

/// The folders Fixloop keeps its state in: `$FIXLOOP_HOME`, by default `~/.fixloop`.
///
/// Nothing under it is ever visible inside a sandbox.
public struct StateDirectory: Sendable, Equatable {
    /// The root folder.
    public let root: URL

    /// Uses `root` as the state directory.
    public init(root: URL) { self.root = root.standardizedFileURL }

    /// The state directory the environment names: `FIXLOOP_HOME`, else `$HOME/.fixloop`.
    /// - Parameter environment: the process environment, read by the caller at the edge.
    public init(environment: [String: String]) {
        if let home = environment["FIXLOOP_HOME"], !home.isEmpty {
            self.init(root: URL(fileURLWithPath: home, isDirectory: true))
        } else {
            let userHome = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            self.init(root: URL(fileURLWithPath: userHome, isDirectory: true).appendingPathComponent(".fixloop"))
        }
    }

    /// The SQLite store.
    public var database: URL { root.appendingPathComponent("fixloop.sqlite") }
    /// Bare mirrors, one per remote.
    public var mirrors: URL { root.appendingPathComponent("mirrors", isDirectory: true) }
    /// Checkouts for runs, and the pool of idle ones.
    public var workspaces: URL { root.appendingPathComponent("workspaces", isDirectory: true) }
    /// Run logs and trajectories.
    public var runs: URL { root.appendingPathComponent("runs", isDirectory: true) }

    /// Creates the root and its folders, readable by the owner only.
    /// - Throws: ``StateDirectoryError`` when a file stands where a folder must be, or a folder cannot be made.
    public func prepare() throws {
        for url in [root, mirrors, workspaces, runs] {
            if let file = LocalFolders.fileInTheWay(to: url) {
                throw StateDirectoryError(kind: .notAFolder, root: root.path, path: file, detail: nil)
            }
            do {
                try FileManager.default.createDirectory(
                    at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                let cause = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)
                    .flatMap { $0.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32($0.code))) : nil }
                throw StateDirectoryError(kind: .cannotCreate, root: root.path, path: url.path, detail: cause)
            }
        }
    }
}

/// The state directory cannot be used.
public struct StateDirectoryError: FixloopError, Equatable {
    /// Why.
    public enum Kind: String, Sendable {
        case notAFolder = "state.not_a_folder"
        case cannotCreate = "state.cannot_create"
    }

    /// Why the state directory was refused.
    public let kind: Kind
    /// The state directory.
    public let root: String
    /// The path at fault: the file in the way, or the folder that could not be made.
    public let path: String
    /// The system's reason, when there is one (`Permission denied`).
    public let detail: String?

    public var code: String { kind.rawValue }
    public var message: String {
        switch kind {
        case .notAFolder where path == root:
            return "The state directory path \(root) is a file, not a folder; set FIXLOOP_HOME (or --state-dir) to a folder."
        case .notAFolder:
            return "The state directory \(root) cannot be made because \(path) is a file, not a folder; set "
                + "FIXLOOP_HOME (or --state-dir) to a folder."
        case .cannotCreate:
            return "The state directory folder \(path) cannot be made (\(detail ?? "unknown cause")); check its "
                + "permissions or set FIXLOOP_HOME (or --state-dir) to a writable folder."
        }
    }
}
