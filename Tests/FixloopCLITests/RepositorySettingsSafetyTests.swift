@testable import FixloopCLI
import FixloopCore
import FixloopTesting
import Foundation
import Testing

/// An untrusted repository may only shape the run inside itself: its `.fixloop.toml` cannot mount host paths, is
/// never followed out of the checkout, and the operator's own mounts never show secrets (issue 14, items 1 and 2).
@Suite(.serialized)
struct RepositorySettingsSafetyTests {
    static let notABug = ModelServerStep.text(#"{"class": "question", "reason": "not a defect"}"#)

    /// A scene of `FixEndToEndTests` whose repository carries `extra` files (and a secret folder beside it).
    func scene(_ root: URL, extra: [String: String]) async throws -> FixEndToEndTests.Scene {
        var files = FixEndToEndTests.files
        for (path, text) in extra { files[path] = text }
        return try await FixEndToEndTests().makeScene(root, files: files)
    }

    @Test func aRepositoryCannotMountHostPathsWithReadOnly() async throws {
        try await withTemporaryDirectory("fixloop-repo-ro") { root in
            let secrets = root.appendingPathComponent("secrets")
            try GitFixture.write(["id_rsa": "PRIVATE KEY"], in: secrets)
            let settings = "test = \"cat \(secrets.path)/id_rsa\"\nread_only = [\"\(secrets.path)\"]\n"
            let scene = try await scene(root, extra: [".fixloop.toml": settings])
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(Self.notABug)
                let (status, text) = await FixEndToEndTests().run(
                    FixEndToEndTests().fixArguments(scene), model: model, github: nil, scene: scene)
                #expect(status == 2, "\(text)")
                #expect(text.contains("[repository.read_only_refused]"), "\(text)")
                #expect(text.contains("only the operator may mount host paths"), "\(text)")
                #expect(await model.received().isEmpty, "refused before any model call")
            }
        }
    }

    @Test func aLinkedRepositoryFileIsNotFollowedNorEchoed() async throws {
        try await withTemporaryDirectory("fixloop-repo-link") { root in
            let hostFile = root.appendingPathComponent("host-settings.toml")
            try "very_secret_key_name = 1\n".write(to: hostFile, atomically: true, encoding: .utf8)
            var files = FixEndToEndTests.files
            files[".fixloop.toml"] = nil
            let source = root.appendingPathComponent("source")
            try await GitFixture.makeRepository(at: source, files: files)
            try FileManager.default.createSymbolicLink(
                atPath: source.appendingPathComponent(".fixloop.toml").path, withDestinationPath: hostFile.path)
            try await GitFixture.commitAll(in: source, message: "settings as a link")
            let remote = try await GitFixture.makeBareRemote(from: source, at: root.appendingPathComponent("shop.git"))
            let ticket = root.appendingPathComponent("ticket.md")
            try FixEndToEndTests.ticket.write(to: ticket, atomically: true, encoding: .utf8)
            let scene = FixEndToEndTests.Scene(root: root, remote: remote, ticketFile: ticket, state: root.appendingPathComponent("state"))
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(Self.notABug)
                let (status, text) = await FixEndToEndTests().run(
                    FixEndToEndTests().fixArguments(scene), model: model, github: nil, scene: scene)
                #expect(status == 2, "\(text)")
                #expect(text.contains("[repository.file_is_link]"), "\(text)")
                #expect(!text.contains("very_secret_key_name"), "nothing of the host file is echoed: \(text)")
            }
        }
    }

    @Test func theOperatorsMountsNeverShowHomeDotFoldersStateOrKeys() async throws {
        try await withTemporaryDirectory("fixloop-ro-guard") { root in
            let home = root.appendingPathComponent("home")
            try GitFixture.write([".ssh/id_ed25519": "KEY", "project/README": "hi"], in: home)
            try GitFixture.write(["run.sh": "echo tool"], in: root.appendingPathComponent("tools"))
            try GitFixture.write(["deploy.pem": "KEY"], in: root.appendingPathComponent("certs"))
            try GitFixture.write(["app.pem": "KEY", "notes.txt": "x"], in: root.appendingPathComponent("app"))
            try FileManager.default.createSymbolicLink(
                atPath: root.appendingPathComponent("innocent").path, withDestinationPath: home.appendingPathComponent(".ssh").path)
            let workspace = root.appendingPathComponent("workspace")
            try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
            let environment = [
                "HOME": home.path, "FIXLOOP_HOME": root.appendingPathComponent("state").path, "PATH": "/usr/bin:/bin",
                "GITHUB_APP_PRIVATE_KEY_FILE": root.appendingPathComponent("app/app.pem").path,
            ]
            func run(_ readOnly: String, config: String? = nil, reading file: String = "tools/run.sh") async -> (status: Int32, output: String) {
                var arguments = ["sandbox", "run", "--workspace", workspace.path, "--ro", readOnly]
                if let config { arguments += ["--config", config] }
                return await runFixloop(arguments + ["--", "test", "-r", root.appendingPathComponent(file).path],
                                        environment: environment)
            }
            let refused: [(String, String)] = [
                (home.appendingPathComponent(".ssh").path, "cli.home_dot_folders_exposed"),
                (home.path, "cli.home_dot_folders_exposed"),
                (root.appendingPathComponent("innocent").path, "cli.home_dot_folders_exposed"),
                (root.appendingPathComponent("state/mirrors").path, "cli.state_directory_exposed"),
                (root.appendingPathComponent("certs/deploy.pem").path, "cli.key_file_exposed"),
                (root.appendingPathComponent("app").path, "cli.key_file_exposed"),
            ]
            for (path, code) in refused {
                let result = await run(path)
                #expect(result.status == 2 && result.output.contains("[\(code)]"), "\(path): \(result.output)")
            }
            let config = root.appendingPathComponent("fixloop.toml")
            try "[sandbox]\nread_only = [\"\(home.path)/.config\"]\n".write(to: config, atomically: true, encoding: .utf8)
            let fromConfig = await run(root.appendingPathComponent("tools").path, config: config.path)
            #expect(fromConfig.status == 2 && fromConfig.output.contains("[cli.home_dot_folders_exposed]"), "\(fromConfig.output)")
            // The same command with an allowed folder runs in the real sandbox and sees it.
            let allowed = await run(root.appendingPathComponent("tools").path)
            #expect(allowed.status == 0, "\(allowed.output)")
            #expect(await run(home.appendingPathComponent("project").path, reading: "home/project/README").status == 0)
        }
    }

    @Test func anInstalledToolchainUnderAHomeDotFolderMayBeShownButNotTheDotFolder() async throws {
        try await withTemporaryDirectory("fixloop-ro-toolchain") { root in
            let home = root.appendingPathComponent("home")
            try GitFixture.write([
                ".pyenv/versions/3.11.7/bin/python": "tool", ".cargo/bin/cargo": "tool", ".cargo/credentials.toml": "KEY",
            ], in: home)
            let workspace = root.appendingPathComponent("workspace")
            try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
            let environment = ["HOME": home.path, "FIXLOOP_HOME": root.appendingPathComponent("state").path, "PATH": "/usr/bin:/bin"]
            func run(_ readOnly: String, reading file: String) async -> (status: Int32, output: String) {
                await runFixloop(["sandbox", "run", "--workspace", workspace.path, "--ro", home.path + "/" + readOnly, "--",
                                  "test", "-r", home.path + "/" + file], environment: environment)
            }
            let pyenv = await run(".pyenv/versions/3.11.7", reading: ".pyenv/versions/3.11.7/bin/python")
            #expect(pyenv.status == 0, "\(pyenv.output)")
            let cargo = await run(".cargo/bin", reading: ".cargo/bin/cargo")
            #expect(cargo.status == 0, "\(cargo.output)")
            for refused in [".pyenv", ".pyenv/versions", ".cargo"] {
                let result = await run(refused, reading: ".cargo/credentials.toml")
                #expect(result.status == 2 && result.output.contains("[cli.home_dot_folders_exposed]"), "\(refused): \(result.output)")
            }
        }
    }
}
