@testable import FixloopCLI
import FixloopTesting
import Foundation
import Synchronization
import Testing

/// `deploy/fixloop.service` is a valid unit that feeds every secret as a credential, and the secrets it feeds are
/// read from files: `NAME_FILE` or `$CREDENTIALS_DIRECTORY/NAME`.
@Suite(.serialized)
struct ServiceUnitTests {
    static let unit = ProgramRun.checkout.appendingPathComponent("deploy/fixloop.service")

    /// `systemd-analyze verify` checks that ExecStart's program exists, so the shipped unit (which names
    /// /opt/fixloop/bin/fixloop) is verified as a copy whose ExecStart names the fixloop built here; nothing else changes.
    @Test func systemdAnalyzeVerifiesTheUnitWithExecStartOnTheBuiltBinary() async throws {
        let binary = ProgramRun.productsFolder.appendingPathComponent("fixloop")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the fixloop product first")
        try await withTemporaryDirectory("fixloop-unit") { root in
            let text = try String(contentsOf: Self.unit, encoding: .utf8)
            #expect(text.contains("ExecStart=/opt/fixloop/bin/fixloop serve"))
            let copy = root.appendingPathComponent("fixloop.service")
            try text.replacingOccurrences(of: "ExecStart=/opt/fixloop/bin/fixloop", with: "ExecStart=\(binary.path)")
                .write(to: copy, atomically: true, encoding: .utf8)
            let verified = try await ProgramRun.run(URL(fileURLWithPath: "/usr/bin/systemd-analyze"), ["verify", copy.path],
                                                    in: root, environment: ProgramRun.environment(home: root))
            #expect(verified.status == 0 && verified.errors.isEmpty, "\(verified.transcript)")
        }
    }

    @Test func theUnitLoadsEveryCredentialAndKeepsTheNamespacesBubblewrapNeeds() throws {
        let lines = try String(contentsOf: Self.unit, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        for name in EdgeSecrets.names where name != "GH_TOKEN" {
            #expect(lines.contains { $0.hasPrefix("LoadCredential=\(name):") }, "LoadCredential for \(name)")
        }
        for option in ["RestrictNamespaces=", "PrivateUsers=", "ProtectKernelTunables=", "ProtectProc=", "ProcSubset=", "PrivateDevices=", "SystemCallFilter="] {
            #expect(!lines.contains { $0.hasPrefix(option) }, "\(option) breaks bubblewrap")
        }
        #expect(lines.contains("User=fixloop") && lines.contains { $0.hasPrefix("Restart=") })
    }

    @Test(arguments: ["file", "credential"])
    func aSecretGivenAsAFileIsRead(_ source: String) async throws {
        try await withTemporaryDirectory("fixloop-secret") { root in
            let file = root.appendingPathComponent("OPENAI_API_KEY")
            try "sk-from-file\n".write(to: file, atomically: true, encoding: .utf8)
            let environment = source == "file" ? ["OPENAI_API_KEY_FILE": file.path] : ["CREDENTIALS_DIRECTORY": root.path]
            #expect(EdgeSecrets(environment).openAI?.reveal() == "sk-from-file")
            #expect(EdgeSecrets(environment.merging(["OPENAI_API_KEY": "sk-variable"]) { $1 }).openAI?.reveal() == "sk-variable")
        }
    }

    @Test(arguments: ["OPENAI_API_KEY_FILE", "CREDENTIALS_DIRECTORY"])
    func aFolderHoldingASecretFileIsNeverShownInTheSandbox(_ variable: String) async throws {
        try await withTemporaryDirectory("fixloop-secret-ro") { root in
            let secrets = root.appendingPathComponent("secrets")
            try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
            try "sk-secret\n".write(to: secrets.appendingPathComponent("OPENAI_API_KEY"), atomically: true, encoding: .utf8)
            let workspace = root.appendingPathComponent("workspace")
            try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
            let value = variable == "CREDENTIALS_DIRECTORY" ? secrets.path : secrets.appendingPathComponent("OPENAI_API_KEY").path
            let (status, output) = await runFixloop(
                ["sandbox", "run", "--workspace", workspace.path, "--ro", secrets.path, "--", "true"],
                environment: ProgramRun.environment(home: root, ["FIXLOOP_HOME": root.appendingPathComponent("state").path, variable: value]))
            #expect(status == 2 && output.contains("[cli.key_file_exposed]"), "\(output)")
        }
    }

    @Test func anUnreadableSecretFileIsNamedAndExitsTwo() async throws {
        let errors = Mutex("")
        let status = await Fixloop.run(arguments: ["spend"], environment: ["OPENAI_API_KEY_FILE": "/nonexistent/openai-key", "FIXLOOP_HOME": "/nonexistent/state"],
                                       output: { _ in }, errors: { text in errors.withLock { $0 += text } })
        #expect(status == 2)
        #expect(errors.withLock { $0 }.contains("/nonexistent/openai-key for OPENAI_API_KEY cannot be read"))
    }

    @Test func fixUsesAModelKeyGivenOnlyAsOpenAIAPIKeyFile() async throws {
        let e2e = FixEndToEndTests()
        try await withTemporaryDirectory("fixloop-key-file") { root in
            let scene = try await e2e.makeScene(root)
            let keyFile = root.appendingPathComponent("openai-key")
            try "sk-only-in-a-file\n".write(to: keyFile, atomically: true, encoding: .utf8)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(FixEndToEndTests.triageBug, .toolCalls([FixEndToEndTests.fixCall(), FixEndToEndTests.submitCall]))
                let output = Mutex("")
                let status = await Fixloop.run(
                    arguments: e2e.fixArguments(scene, ["--no-pr"]),
                    environment: ProgramRun.environment(home: root, [
                        "OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY_FILE": keyFile.path, "FIXLOOP_HOME": scene.state.path,
                    ]),
                    output: { text in output.withLock { $0 += text } }, errors: { _ in })
                #expect(status == 0, "\(output.withLock { $0 })")
                let requests = await model.received()
                #expect(!requests.isEmpty && requests.allSatisfy { $0.headers["authorization"] == "Bearer sk-only-in-a-file" })
            }
        }
    }
}
