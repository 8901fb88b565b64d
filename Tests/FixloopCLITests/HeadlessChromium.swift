import Foundation
import Testing

/// Headless Chromium (Debian's `chromium`, installed by `scripts/bootstrap --with-browser`) for tests that check what a
/// real browser builds from a page.
enum HeadlessChromium {
    static var executable: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The DOM Chromium built from `page` (`--dump-dom`), in a profile folder of its own that is removed afterwards.
    static func dumpDOM(_ page: URL) throws -> String {
        let browser = try #require(executable, "headless Chromium is needed to check the page: scripts/bootstrap --with-browser installs Debian's chromium")
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("fixloop-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--user-data-dir=\(profile.path)", "--dump-dom", page.absoluteString]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
