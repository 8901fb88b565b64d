import Foundation

/// Runs `body` with a new empty folder under the system's temporary directory, removed afterwards on every path.
public func withTemporaryDirectory<T>(
    _ prefix: String = "fixloop-test",
    isolation: isolated (any Actor)? = #isolation,
    _ body: (URL) async throws -> T
) async throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { removeTree(url) }
    return try await body(url)
}

/// Removes a folder even when a test took permissions away inside it.
public func removeTree(_ url: URL) {
    if let enumerator = FileManager.default.enumerator(atPath: url.path) {
        for case let path as String in enumerator {
            chmod(url.appendingPathComponent(path).path, 0o700)
        }
    }
    try? FileManager.default.removeItem(at: url)
}
