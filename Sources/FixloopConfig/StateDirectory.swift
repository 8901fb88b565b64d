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
    /// - Throws: the file system's error when a folder cannot be made.
    public func prepare() throws {
        for url in [root, mirrors, workspaces, runs] {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }
}
