import FixloopTesting
import Foundation

/// A "git bomb": a tiny repository whose tree expands to `fanOut^depth` files because every level names the same
/// subtree `fanOut` times. Written object by object with `git hash-object`, so no checkout ever expands it.
enum GitBomb {
    /// Makes a bare repository at `directory` whose `main` holds the bomb. - Returns: the commit id.
    @discardableResult
    static func make(at directory: URL, fanOut: Int, depth: Int, fileBytes: Int = 2) async throws -> String {
        try await GitCommandLine.run(["init", "-q", "--bare", "-b", "main", directory.path])
        let scratch = directory.appendingPathComponent("bomb-objects", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let blob = scratch.appendingPathComponent("blob")
        try Data(repeating: 0x61, count: fileBytes).write(to: blob)
        var child = try await hashObject(blob, type: "blob", in: directory)
        var mode = "100644", prefix = "f"
        for level in 0..<depth {
            var tree = Data()
            for index in 0..<fanOut {
                // Tree entries are sorted by name; equal-width names keep numeric order sorted.
                tree.append(Data("\(mode) \(prefix)\(String(format: "%03d", index))\0".utf8))
                tree.append(try objectID(child))
            }
            let file = scratch.appendingPathComponent("tree-\(level)")
            try tree.write(to: file)
            child = try await hashObject(file, type: "tree", in: directory)
            mode = "40000"
            prefix = "d"
        }
        let commit = try await GitCommandLine.run(["commit-tree", child, "-m", "bomb"], in: directory).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await GitCommandLine.run(["update-ref", "refs/heads/main", commit], in: directory)
        return commit
    }

    private static func hashObject(_ file: URL, type: String, in directory: URL) async throws -> String {
        try await GitCommandLine.run(["hash-object", "-w", "-t", type, file.path], in: directory).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func objectID(_ hex: String) throws -> Data {
        var bytes = Data()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { throw CocoaError(.fileReadCorruptFile) }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
