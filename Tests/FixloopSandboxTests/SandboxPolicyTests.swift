import FixloopCore
import Foundation
import Testing

@testable import FixloopSandbox

@Suite struct SandboxPolicyTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: ["test", "setup"])
    func bundledPoliciesAreTheFilesInTheSandboxFolder(name: String) throws {
        let file = Self.repositoryRoot.appendingPathComponent("sandbox/\(name).toml")
        let bundled = try #require(SandboxPolicyCatalog().bundled).appendingPathComponent("\(name).toml")
        #expect(try String(contentsOf: bundled, encoding: .utf8) == String(contentsOf: file, encoding: .utf8))
        #expect(try SandboxPolicyCatalog().policy(name) == SandboxPolicyReader.parse(
            String(contentsOf: file, encoding: .utf8), name: name, file: "bundled \(name).toml"))
    }

    @Test func theOperatorsFolderComesBeforeTheBundle() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fixloop-policies-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "network = true\n".write(to: folder.appendingPathComponent("test.toml"), atomically: true, encoding: .utf8)
        #expect(try SandboxPolicyCatalog(directories: [folder]).policy("test").network == true)
        #expect(try SandboxPolicyCatalog().policy("test").network == false, "only the bundle without the operator's folder")
    }

    @Test func testPolicyHasNoNetworkAndSetupHasIt() throws {
        let catalog = SandboxPolicyCatalog(directories: [])
        let test = try catalog.policy("test")
        let setup = try catalog.policy("setup")
        #expect(test.network == false)
        #expect(setup.network == true)
        #expect(test.limits.processes == 512)
        #expect(test.setEnvironment["HOME"] == "/home/sandbox")
        #expect(test.readOnlyPaths.contains("/opt/swift"))
        #expect(!test.readOnlyPaths.contains("/"))
    }

    @Test func unknownKeyIsAnErrorNamingKeyAndFile() {
        #expect {
            _ = try SandboxPolicyReader.parse("[limits]\ncpu_secs = 3\n", name: "x", file: "sandbox/x.toml")
        } throws: { error in
            let message = (error as? SandboxError)?.message ?? ""
            return message.contains("limits.cpu_secs") && message.contains("sandbox/x.toml")
        }
    }

    @Test func wrongTypeAndRangeAreErrors() {
        #expect(throws: SandboxError.self) {
            _ = try SandboxPolicyReader.parse("network = \"no\"\n", name: "x", file: "x.toml")
        }
        #expect(throws: SandboxError.self) {
            _ = try SandboxPolicyReader.parse("[limits]\nprocesses = 1\n", name: "x", file: "x.toml")
        }
        #expect(throws: SandboxError.self) {
            _ = try SandboxPolicyReader.parse("read_only = [\"usr\"]\n", name: "x", file: "x.toml")
        }
    }

    @Test func readsEveryKey() throws {
        let policy = try SandboxPolicyReader.parse("""
            network = true
            read_only = ["/usr", "/data"]
            [workspace]
            path = "/testbed"
            [tmp]
            size_mb = 8
            [home]
            path = "/home/u"
            size_mb = 4
            [environment]
            pass = ["TERM"]
            [environment.set]
            PATH = "/usr/bin"
            [limits]
            cpu_seconds = 5
            memory_mb = 100
            processes = 10
            open_files = 64
            file_size_mb = 2
            wall_clock_seconds = 1.5
            output_bytes = 2048
            output_kill_mb = 3
            [user]
            uid = 1234
            gid = 1235
            count = 7
            """, name: "custom", file: "custom.toml")
        #expect(policy.network && policy.workspacePath == "/testbed" && policy.homePath == "/home/u")
        #expect(policy.tmpSizeBytes == 8 << 20 && policy.homeSizeBytes == 4 << 20)
        #expect(policy.passEnvironment == ["TERM"] && policy.setEnvironment == ["PATH": "/usr/bin"])
        #expect(policy.limits == SandboxLimits(
            cpuSeconds: 5, memoryBytes: 100 << 20, processes: 10, openFiles: 64, fileSizeBytes: 2 << 20,
            wallClockSeconds: 1.5, outputBytes: 2048, outputKillBytes: 3 << 20))
        #expect(policy.userID == 1234 && policy.groupID == 1235 && policy.userCount == 7)
    }

    @Test func missingPolicyIsAnError() {
        #expect(throws: SandboxError.self) { _ = try SandboxPolicyCatalog(directories: []).policy("nope") }
    }
}
