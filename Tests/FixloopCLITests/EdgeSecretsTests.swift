@testable import FixloopCLI
import Foundation
import Testing

/// Secrets are read from the environment in one place, `EdgeSecrets`, and travel on as `Secret`s.
struct EdgeSecretsTests {
    static let names = [
        "GITHUB_TOKEN", "GH_TOKEN", "LINEAR_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GITHUB_WEBHOOK_SECRET",
        "LINEAR_WEBHOOK_SECRET", "FIXLOOP_ADMIN_TOKEN", "GITHUB_APP_PRIVATE_KEY",
    ]

    @Test func eachSecretIsReadOnceAndBlankOnesAreAbsent() {
        let secrets = EdgeSecrets(["GH_TOKEN": "gh-fallback", "OPENAI_API_KEY": "sk-1", "ANTHROPIC_API_KEY": "  ", "LINEAR_API_KEY": "lin\n"])
        #expect(secrets.github?.reveal() == "gh-fallback")
        #expect(secrets.linear?.reveal() == "lin")
        #expect(secrets.anthropic == nil)
        #expect(secrets.models.map { $0.reveal() } == ["sk-1"])
        #expect(EdgeSecrets(["GITHUB_TOKEN": "first", "GH_TOKEN": "second"]).github?.reveal() == "first")
    }

    @Test func noOtherSourceFileReadsASecretFromTheEnvironment() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources").standardized
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        var readers: [String] = []
        for file in files where !file.hasSuffix("EdgeSecrets.swift") && !file.hasPrefix("FixloopTesting/") {
            let text = try String(contentsOfFile: sources.appendingPathComponent(file).path, encoding: .utf8)
            for name in Self.names where text.contains("environment[\"\(name)\"]") { readers.append("\(file): \(name)") }
        }
        #expect(files.count > 100, "the sources were found at \(sources.path)")
        #expect(readers.isEmpty, "read outside EdgeSecrets: \(readers)")
    }
}
