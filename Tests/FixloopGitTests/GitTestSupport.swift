import FixloopCore
import FixloopGit
import FixloopTesting
import Foundation

/// A source repository, its bare "remote", and a pool over a private state directory.
struct GitScene {
    let root: URL
    let source: URL
    let remoteDirectory: URL
    let remote: RepositoryReference
    let pool: WorkspacePool
    let firstCommit: String

    static let files = [
        "README.md": "hello\n",
        "src/app.py": "def add(a, b):\n    return a - b\n",
        "src/util.py": "X = 1\n",
        "scripts/run.sh": "#!/bin/sh\necho run\n",
        ".gitignore": "build/\n*.pyc\n",
    ]

    static func make(in root: URL, poolSize: Int = 2) async throws -> GitScene {
        let source = root.appendingPathComponent("source")
        let first = try await GitFixture.makeRepository(at: source, files: files)
        let remoteDirectory = try await GitFixture.makeBareRemote(from: source, at: root.appendingPathComponent("remote.git"))
        let state = root.appendingPathComponent("state")
        let pool = WorkspacePool(
            mirrors: MirrorCache(root: state.appendingPathComponent("mirrors")),
            root: state.appendingPathComponent("workspaces"), poolSize: poolSize)
        return GitScene(root: root, source: source, remoteDirectory: remoteDirectory,
                        remote: try RepositoryReference(parsing: remoteDirectory.path), pool: pool, firstCommit: first)
    }

    /// Adds a commit to the remote through the source repository. - Returns: its id.
    func pushNewCommit(_ files: [String: String], message: String = "change") async throws -> String {
        try GitFixture.write(files, in: source)
        let id = try await GitFixture.commitAll(in: source, message: message)
        try await GitCommandLine.run(["push", "-q", remoteDirectory.path, "main"], in: source)
        return id
    }
}

func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

/// Every file under `directory` except `.git`, with its content and executable bit.
func snapshot(_ directory: URL) throws -> [String: String] {
    var result: [String: String] = [:]
    let enumerator = FileManager.default.enumerator(atPath: directory.path)!
    for case let path as String in enumerator where !path.hasPrefix(".git/") && path != ".git" {
        let url = directory.appendingPathComponent(path)
        var info = stat()
        lstat(url.path, &info)
        guard info.st_mode & S_IFMT == S_IFREG || info.st_mode & S_IFMT == S_IFLNK else { continue }
        let data = (try? Data(contentsOf: url)) ?? Data()
        let executable = info.st_mode & 0o100 != 0 ? "+x " : ""
        result[path] = executable + data.base64EncodedString()
    }
    return result
}
