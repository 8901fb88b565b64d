import Foundation

/// File access for the model's tools, confined to one checkout: no absolute paths, no `..`, nothing under
/// `.git`, and no path through a symbolic link (a test run may have planted one pointing anywhere).
public struct WorkspaceFiles: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    /// Why a path was refused or a file could not be used; shown to the model so it can correct itself.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The checked absolute location of `path`.
    public func resolve(_ path: String) throws -> URL {
        let trimmed = path.trimmingCharacters(in: .whitespaces)
        let relative = trimmed.hasPrefix("./") ? String(trimmed.dropFirst(2)) : trimmed
        guard !relative.isEmpty, !relative.hasPrefix("/") else {
            throw Refusal(path: path, reason: "give a path relative to the repository root")
        }
        let parts = relative.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.contains(".."), !parts.contains("."), !parts.contains(where: { $0.lowercased() == ".git" }) else {
            throw Refusal(path: path, reason: "paths may not contain '..', '.' or .git")
        }
        var current = root
        for part in parts {
            current = current.appendingPathComponent(String(part))
            var info = stat()
            if lstat(current.path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                throw Refusal(path: path, reason: "goes through a symbolic link, which the tools do not follow")
            }
        }
        return current
    }

    /// The file's text, optionally only lines `from...to` (1-based, inclusive), with line numbers.
    public func read(_ path: String, from: Int? = nil, to: Int? = nil, maxBytes: Int = 256 * 1024) throws -> String {
        let url = try resolve(path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Refusal(path: path, reason: "no such file; list the folder to see what exists")
        }
        guard !data.contains(0) else { throw Refusal(path: path, reason: "is a binary file") }
        let lines = String(decoding: data.prefix(maxBytes), as: UTF8.self).components(separatedBy: "\n")
        let first = max(1, from ?? 1)
        let last = min(lines.count, to ?? lines.count)
        guard first <= last else { throw Refusal(path: path, reason: "has \(lines.count) lines; lines \(first)-\(last) do not exist") }
        return (first...last).map { "\($0)\t\(lines[$0 - 1])" }.joined(separator: "\n")
    }

    /// The raw text of a file, or nil when it does not exist.
    public func text(_ path: String) throws -> String? {
        let url = try resolve(path)
        return FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes `content`, creating folders; refuses to replace a folder or write through a link.
    public func write(_ path: String, content: String) throws {
        let url = try resolve(path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Refusal(path: path, reason: "is a folder")
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = try resolve(path)  // the folders just made cannot be links, but check again: nothing else may race us
        try Data(content.utf8).write(to: url)
    }

    /// Files and folders below `path` (default the root), `.git` and dependency folders left out; folders end in `/`.
    public func list(_ path: String = "", depth: Int = 2, limit: Int = 400) throws -> [String] {
        let base = path.isEmpty ? root : try resolve(path)
        let skipped: Set<String> = [".git", "node_modules", ".build", "__pycache__", ".venv", "venv", ".tox"]
        var result: [String] = []
        func walk(_ url: URL, _ prefix: String, _ level: Int) {
            guard level <= depth, result.count < limit,
                  let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return }
            for name in names.sorted() where !skipped.contains(name) {
                guard result.count < limit else { return }
                let child = url.appendingPathComponent(name)
                var info = stat()
                lstat(child.path, &info)
                if info.st_mode & S_IFMT == S_IFDIR {
                    result.append(prefix + name + "/")
                    walk(child, prefix + name + "/", level + 1)
                } else {
                    result.append(prefix + name)
                }
            }
        }
        walk(base, path.isEmpty ? "" : (path.hasSuffix("/") ? path : path + "/"), 1)
        return result
    }
}
