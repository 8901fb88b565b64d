import FixloopCore
import Foundation
import Testing

@testable import FixloopSandbox

/// Space a run can fill: `/dev`, `/dev/shm` and the workspace are bounded, and the run is stopped when the
/// workspace passes its quota.
@Suite struct SandboxQuotaTests {
    func inWorkspace<T>(_ label: String, _ body: (URL) async throws -> T) async throws -> T {
        let workspace = try SandboxSupport.temporaryDirectory(label)
        defer { WorkspaceTree.remove(workspace.path) }
        return try await body(workspace)
    }

    @Test func devIsReadOnlyAndDevShmHasTheSizeOfThePolicy() async throws {
        try await inWorkspace("shm") { workspace in
            var policy = try SandboxSupport.testPolicy()
            policy.shmSizeBytes = 16 << 20
            let script = """
                dd if=/dev/zero of=/dev/shm/fill bs=1M count=64 2>/dev/null
                echo "shm $(stat -c %s /dev/shm/fill)"
                touch /dev/planted 2>/dev/null && echo "dev writable" || echo "dev read-only"
                echo null >/dev/null && echo "null writable"
                """
            let result = try await SandboxSupport.shell(script, in: workspace, policy: policy)
            let text = result.standardOutput.text
            let written = text.split(separator: "\n").first { $0.hasPrefix("shm ") }.flatMap { Int($0.dropFirst(4)) }
            #expect((written ?? Int.max) <= 16 << 20, "\(text)")
            #expect(text.contains("dev read-only"), "\(text)")
            #expect(text.contains("null writable"), "\(text)")
        }
    }

    @Test func aRunThatKeepsMakingFilesIsStoppedAtTheFileLimit() async throws {
        try await inWorkspace("files") { workspace in
            var policy = try SandboxSupport.testPolicy(wallClock: 30)
            policy.limits.workspaceFiles = 2000
            let result = try await SandboxSupport.shell(
                "i=0; while [ $i -lt 40000 ]; do i=$((i+1)); : > f$i; done; echo made; sleep 60",
                in: workspace, policy: policy)
            #expect(result.limit == .files)
            #expect(result.durationSeconds < 25)
        }
    }

    @Test func aRunThatKeepsWritingIsStoppedAtTheDiskLimit() async throws {
        try await inWorkspace("disk") { workspace in
            var policy = try SandboxSupport.testPolicy(wallClock: 30)
            policy.limits.workspaceBytes = 32 << 20
            let result = try await SandboxSupport.shell(
                "for i in $(seq 1 40); do head -c 4194304 /dev/zero > d$i; done; echo wrote; sleep 60",
                in: workspace, policy: policy)
            #expect(result.limit == .diskSpace)
            #expect(result.durationSeconds < 25)
        }
    }

    @Test func aWorkspaceWithinItsQuotaRunsAsBefore() async throws {
        try await inWorkspace("within") { workspace in
            var policy = try SandboxSupport.testPolicy()
            policy.limits.workspaceFiles = 200
            let result = try await SandboxSupport.shell(
                "for i in $(seq 1 50); do echo $i > f$i; done; sleep 1.5; echo done", in: workspace, policy: policy)
            #expect(result.succeeded)
            #expect(result.standardOutput.text.contains("done"))
        }
    }

    @Test func theQuotaCountsByRawNamesAndStopsEarly() throws {
        try inWorkspace("count") { workspace in
            let folder = Array(workspace.path.utf8CString.dropLast()) + [0x2F, 0x78, -1, 0x79, 0]
            #expect(mkdir(folder, 0o700) == 0)
            for index in 0..<30 {
                let file = Array(folder.dropLast()) + Array("/f\(index)".utf8CString)
                let fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
                #expect(fd >= 0)
                close(fd)
            }
            let fd = open(workspace.path, O_RDONLY | O_DIRECTORY)
            defer { close(fd) }
            #expect(WorkspaceQuota(path: workspace.path, bytes: 1 << 30, files: 31).check(fd) == nil)
            #expect(WorkspaceQuota(path: workspace.path, bytes: 1 << 30, files: 30).check(fd) == .files)
        }
    }

    @Test func thePoliciesCarryTheNewLimits() throws {
        let policy = try SandboxPolicyCatalog(directories: []).policy("test")
        #expect(policy.shmSizeBytes == 64 << 20)
        #expect(policy.limits.workspaceBytes == 4096 << 20)
        #expect(policy.limits.workspaceFiles == 150_000)
    }
}

extension SandboxQuotaTests {
    func inWorkspace<T>(_ label: String, _ body: (URL) throws -> T) throws -> T {
        let workspace = try SandboxSupport.temporaryDirectory(label)
        defer { WorkspaceTree.remove(workspace.path) }
        return try body(workspace)
    }
}
