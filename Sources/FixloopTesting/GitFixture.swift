import Foundation

/// Real repositories on disk for tests, made with the git tool so libgit2 is checked against an independent
/// implementation.
public enum GitFixture {
    /// Writes `files` (path → content) under `directory`, creating folders.
    public static func write(_ files: [String: String], in directory: URL) throws {
        for (path, content) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
    }

    /// Creates a repository at `directory` on branch `main` with one commit holding `files`.
    /// - Returns: the commit id.
    @discardableResult
    public static func makeRepository(at directory: URL, files: [String: String]) async throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await GitCommandLine.run(["init", "-q", "-b", "main", directory.path])
        try write(files, in: directory)
        return try await commitAll(in: directory, message: "initial")
    }

    /// Stages everything in `directory` and commits it. - Returns: the commit id.
    @discardableResult
    public static func commitAll(in directory: URL, message: String) async throws -> String {
        try await GitCommandLine.run(["add", "-A"], in: directory)
        try await GitCommandLine.run(["commit", "-q", "--allow-empty", "-m", message], in: directory)
        return try await GitCommandLine.run(["rev-parse", "HEAD"], in: directory).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Makes a bare copy of `source` at `destination` (a "remote" for tests). - Returns: `destination`.
    @discardableResult
    public static func makeBareRemote(from source: URL, at destination: URL) async throws -> URL {
        try await GitCommandLine.run(["clone", "-q", "--bare", source.path, destination.path])
        return destination
    }

    /// The commit a ref points at in the repository at `directory` (bare or not), or nil.
    public static func revParse(_ ref: String, in directory: URL) async throws -> String? {
        let result = try await GitCommandLine.run(["rev-parse", "--verify", "-q", ref], in: directory, check: false)
        return result.status == 0 ? result.output.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }
}
