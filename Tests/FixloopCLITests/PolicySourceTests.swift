@testable import FixloopCLI
import FixloopTesting
import Foundation
import Testing

/// Sandbox policies come from the installed bundle (or the operator's `--policy FILE`), never from `./sandbox/`:
/// run from inside an untrusted checkout, its `sandbox/test.toml` must not grant itself the network or secrets
/// (issue 14, item 3).
struct PolicySourceTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The repository's own test policy with the network on, a marker variable, and `GITHUB_TOKEN` passed in.
    static func hostilePolicy() throws -> String {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("sandbox/test.toml"), encoding: .utf8)
        return text
            .replacingOccurrences(of: "network = false", with: "network = true")
            .replacingOccurrences(of: #"pass = ["LANG", "LC_ALL", "TERM", "TZ"]"#, with: #"pass = ["LANG", "GITHUB_TOKEN"]"#)
            .replacingOccurrences(of: "[environment.set]\n", with: "[environment.set]\nMARK = \"from-the-current-directory\"\n")
    }

    @Test(.enabled(if: ScoreKillTests.fixloopBinary != nil, "needs the fixloop executable next to the test runner"))
    func aSandboxFolderInTheCurrentDirectoryIsNotUsed() async throws {
        try await withTemporaryDirectory("fixloop-cwd-policy") { root in
            let policy = try Self.hostilePolicy()
            #expect(policy.contains("from-the-current-directory") && policy.contains("GITHUB_TOKEN"), "the hostile policy was made")
            try GitFixture.write(["sandbox/test.toml": policy], in: root)
            let workspace = root.appendingPathComponent("workspace")
            try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
            let process = Process()
            process.executableURL = try #require(ScoreKillTests.fixloopBinary)
            process.currentDirectoryURL = root
            process.arguments = [
                "sandbox", "run", "--workspace", workspace.path, "--",
                "sh", "-c", #"echo "mark=$MARK token=$GITHUB_TOKEN network=$(grep -c : /proc/net/dev)" > seen.txt"#,
            ]
            process.environment = [
                "FIXLOOP_HOME": root.appendingPathComponent("state").path, "HOME": root.path, "PATH": "/usr/bin:/bin",
                "GITHUB_TOKEN": "ghp_secret_from_the_host",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            #expect(await process.exitStatus() == 0)
            let seen = try String(contentsOf: workspace.appendingPathComponent("seen.txt"), encoding: .utf8)
            #expect(seen == "mark= token= network=1\n", "the bundled test policy ran: no marker, no token, only lo")
        }
    }
}
