import FixloopCore
import Foundation
import Testing

@testable import FixloopSandbox

/// Toolchains installed under a home folder the sandbox user cannot pass through (pyenv under `/root`), given as
/// read-only paths: staged in through descriptors opened before the drop to the sandbox user.
@Suite struct ToolchainBindTests {
    static let pyenvPrefix = "/root/.pyenv/versions/3.11.7"
    static let pyenvPresent = FileManager.default.isExecutableFile(atPath: pyenvPrefix + "/bin/python")

    /// A folder under `/root` (0700, so the sandbox user cannot pass through), removed by the caller.
    static func folderUnderRoot(_ label: String) throws -> URL {
        let url = URL(fileURLWithPath: "/root/fixloop-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func makeVirtualenv(at folder: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pyenvPrefix + "/bin/python")
        process.arguments = ["-m", "venv", "--without-pip", folder.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test(.enabled(if: geteuid() == 0 && pyenvPresent, "needs root and pyenv's python 3.11.7 under /root/.pyenv"))
    func aPyenvVirtualenvGivenAsReadOnlyRunsItsPythonInside() async throws {
        let home = try Self.folderUnderRoot("venv")
        defer { try? FileManager.default.removeItem(at: home) }
        let venv = home.appendingPathComponent("venv")
        try Self.makeVirtualenv(at: venv)
        let workspace = try SandboxSupport.temporaryDirectory("venv-ws")
        defer { try? FileManager.default.removeItem(at: workspace) }
        let result = try await SandboxSupport.shell(
            "\(venv.path)/bin/python -c 'import sys; print(1, sys.prefix)'", in: workspace, readOnly: [venv.path])
        #expect(result.succeeded, "\(result.standardError.text)")
        #expect(result.standardOutput.text == "1 \(venv.path)\n")
    }

    @Test(.enabled(if: geteuid() == 0, "only root drops to a sandbox user that cannot pass through a folder"))
    func aPathUnderAPrivateFolderIsStagedNotRefused() async throws {
        let home = try Self.folderUnderRoot("private")
        defer { try? FileManager.default.removeItem(at: home) }
        let tool = home.appendingPathComponent("tool")
        try FileManager.default.createDirectory(at: tool, withIntermediateDirectories: true)
        try "inside\n".write(to: tool.appendingPathComponent("note.txt"), atomically: true, encoding: .utf8)
        let workspace = try SandboxSupport.temporaryDirectory("private-ws")
        defer { try? FileManager.default.removeItem(at: workspace) }
        let result = try await SandboxSupport.shell(
            "cat \(tool.path)/note.txt; echo more > \(tool.path)/new.txt", in: workspace, readOnly: [tool.path])
        #expect(result.standardOutput.text == "inside\n")
        #expect(result.standardError.text.contains("Read-only file system"))
        #expect(!FileManager.default.fileExists(atPath: tool.appendingPathComponent("new.txt").path))
    }

    @Test(.enabled(if: geteuid() == 0, "only root drops to a sandbox user that cannot pass through a folder"))
    func withoutTheHelperAnUnreachablePathIsRefusedWithAdvice() async throws {
        let home = try Self.folderUnderRoot("nohelper")
        defer { try? FileManager.default.removeItem(at: home) }
        let workspace = try SandboxSupport.temporaryDirectory("nohelper-ws")
        defer { try? FileManager.default.removeItem(at: workspace) }
        let sandbox = try await BubblewrapSandbox.detect(configuration: .init(helperPath: nil))
        await #expect { _ = try await sandbox.run(.shell(
            "true", workspace: workspace, policy: try SandboxSupport.testPolicy(), extraReadOnlyPaths: [home.path]))
        } throws: { "\($0)".contains("cannot pass through /root") }
    }

    @Test func aVirtualenvBringsTheInterpreterPrefixItNames() throws {
        let root = try SandboxSupport.temporaryDirectory("pyvenv")
        defer { try? FileManager.default.removeItem(at: root) }
        let prefix = root.appendingPathComponent("toolchain")
        try FileManager.default.createDirectory(
            at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(
            atPath: prefix.appendingPathComponent("bin/python3").path, contents: Data("#!/bin/sh\n".utf8),
            attributes: [.posixPermissions: 0o755]))
        let venv = root.appendingPathComponent("venv")
        try FileManager.default.createDirectory(at: venv.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try "home = \(prefix.path)/bin\nversion = 3.11.7\n".write(
            to: venv.appendingPathComponent("pyvenv.cfg"), atomically: true, encoding: .utf8)
        #expect(VirtualenvInterpreter.extraPaths(for: venv.path, covered: []) == [prefix.path])
        #expect(VirtualenvInterpreter.extraPaths(for: venv.path, covered: [root.path]).isEmpty)
        #expect(VirtualenvInterpreter.extraPaths(for: prefix.path, covered: []).isEmpty, "not a virtualenv")
        try "home = \(root.path)\n".write(to: venv.appendingPathComponent("pyvenv.cfg"), atomically: true, encoding: .utf8)
        #expect(VirtualenvInterpreter.extraPaths(for: venv.path, covered: []).isEmpty, "a home without a Python")
    }
}
