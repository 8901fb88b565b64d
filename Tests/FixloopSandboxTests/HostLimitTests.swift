import FixloopCore
import Foundation
import FixloopTesting
import Testing

@testable import FixloopSandbox

/// Hard rlimits set on Fixloop itself that are below the policy's: said as they are, before anything starts.
@Suite struct HostLimitTests {
    @Test(.enabled(if: geteuid() == 0, "drops CAP_SYS_RESOURCE from a root process to stand for an unprivileged one"))
    func aHardAddressSpaceLimitBelowThePolicyIsNamed() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("hard-as")
        let home = try SandboxSupport.temporaryDirectory("hard-as-home")
        defer { [workspace, home].forEach { WorkspaceTree.remove($0.path) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        process.arguments = [
            "--as=4294967296", "--", "/usr/bin/setpriv", "--bounding-set=-sys_resource", "--inh-caps=-sys_resource",
            "--", try SandboxLeftoverTests.fixloop(), "sandbox", "run", "--workspace", workspace.path, "--", "true",
        ]
        process.environment = ["PATH": "/usr/bin:/bin", "FIXLOOP_HOME": home.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: await pipe.fileHandleForReading.readAllOffThePool(), as: UTF8.self)
        #expect(await process.exitStatus() == 2, "\(output)")
        #expect(output.contains("sandbox.host_limit_below_policy"), "\(output)")
        #expect(output.contains("limits.memory_mb (8192 MB)"), "\(output)")
        #expect(output.contains("RLIMIT_AS limit (4096 MB"), "\(output)")
        #expect(!output.contains("namespaces"), "\(output)")
    }

    @Test func limitsWithinTheHardLimitsOrRaisableAreAccepted() throws {
        var limits = SandboxLimits()
        limits.memoryBytes = 1 << 62
        #expect(throws: Never.self) { try LimitDiagnosis.checkHostLimits(limits, canRaise: true) }
        var current = rlimit()
        getrlimit(__rlimit_resource_t(UInt32(RLIMIT_AS.rawValue)), &current)
        if current.rlim_max == rlim_t.max {
            #expect(throws: Never.self) { try LimitDiagnosis.checkHostLimits(limits, canRaise: false) }
        }
    }
}
