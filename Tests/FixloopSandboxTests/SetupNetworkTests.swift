import FixloopCore
import Foundation
import Testing

@testable import FixloopSandbox

#if canImport(Glibc)
import Glibc
#endif

/// The setup policy's network: a namespace of its own behind slirp4netns, never the host's.
///
/// Every probe here stays on this machine: connections go only to 127.0.0.1 and an abstract Unix socket; the
/// sandbox's own network is only inspected (routes, interfaces, resolv.conf), never used.
@Suite(.serialized) struct SetupNetworkTests {
    static func setupPolicy(wallClock: Double = 30) throws -> SandboxPolicy {
        var policy = try SandboxPolicyCatalog(directories: []).policy("setup")
        policy.limits.wallClockSeconds = wallClock
        return policy
    }

    static func inWorkspace<T>(_ label: String, _ body: (URL) async throws -> T) async throws -> T {
        let workspace = try SandboxSupport.temporaryDirectory(label)
        defer { try? FileManager.default.removeItem(at: workspace) }
        return try await body(workspace)
    }

    @Test func setupPhaseCannotReachTheHostsLoopbackOrAbstractSockets() async throws {
        try await Self.inWorkspace("setup-net") { workspace in
            let tcp = try HostListener.tcp()
            let abstract = try HostListener.unix(path: "\0fixloop-setup-\(UUID().uuidString.prefix(8))")
            defer { tcp.close(); abstract.close() }
            let script = """
                import socket
                def attempt(label, family, address):
                    s = socket.socket(family, socket.SOCK_STREAM)
                    s.settimeout(2)
                    try:
                        s.connect(address)
                        print("CONNECTED", label)
                    except OSError as error:
                        print("refused", label, error.errno)
                attempt("tcp", socket.AF_INET, ("127.0.0.1", \(tcp.port)))
                attempt("localhost", socket.AF_INET, ("localhost", \(tcp.port)))
                attempt("abstract", socket.AF_UNIX, "\\0\(abstract.path.dropFirst())")
                """
            try script.write(to: workspace.appendingPathComponent("probe.py"), atomically: true, encoding: .utf8)
            let sandbox = try await SandboxSupport.sandbox()
            let result = try await sandbox.run(
                .shell("python3 probe.py", workspace: workspace, policy: try Self.setupPolicy()))
            let output = result.standardOutput.text + result.standardError.text
            #expect(output.components(separatedBy: "refused").count == 4, "\(output)")
            #expect(!output.contains("CONNECTED"), "\(output)")
            #expect(tcp.acceptedCount() == 0 && abstract.acceptedCount() == 0)

            let control = try await UnisolatedSandbox(hostEnvironment: [:]).run(
                .shell("/usr/bin/python3 probe.py", workspace: workspace, policy: try Self.setupPolicy()))
            #expect(control.standardOutput.text.contains("CONNECTED tcp"), "control: the host's loopback answers")
            #expect(control.standardOutput.text.contains("CONNECTED abstract"), "control: the abstract socket answers")
        }
    }

    @Test func setupPhaseHasItsOwnNetworkWithADefaultRouteAndTheSlirpResolver() async throws {
        try await Self.inWorkspace("setup-route") { workspace in
            // Only reads: the routing table, the interfaces' flags, resolv.conf. No packet leaves.
            let script = """
                import fcntl, socket, struct
                for line in open("/proc/net/route").read().splitlines()[1:]:
                    f = line.split()
                    if f[1] == "00000000":
                        gw = socket.inet_ntoa(struct.pack("<I", int(f[2], 16)))
                        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        flags = struct.unpack("16sH", fcntl.ioctl(s.fileno(), 0x8913, struct.pack("16sH", f[0].encode(), 0)))[1]
                        print("default", f[0], "via", gw, "up" if flags & 1 else "down")
                print(open("/etc/resolv.conf").read())
                """
            try script.write(to: workspace.appendingPathComponent("routes.py"), atomically: true, encoding: .utf8)
            let sandbox = try await SandboxSupport.sandbox()
            let result = try await sandbox.run(
                .shell("python3 routes.py", workspace: workspace, policy: try Self.setupPolicy()))
            let output = result.standardOutput.text
            let defaults = output.split(separator: "\n").filter { $0.hasPrefix("default ") }
            #expect(result.termination == .exited(0), "\(output) \(result.standardError.text)")
            #expect(defaults.count == 1, "\(output)")
            #expect(defaults.first.map { !$0.hasPrefix("default lo ") && $0.hasSuffix(" via 10.0.2.2 up") } == true,
                    "\(output)")
            let nameservers = output.split(separator: "\n").filter { $0.hasPrefix("nameserver") }
            #expect(nameservers == ["nameserver 10.0.2.3"], "\(output)")
        }
    }

    enum Ending: String, CaseIterable, Sendable {
        case exit, wallClock, cancellation
    }

    /// slirp4netns processes that are children of this test process.
    static func ourNetworkHelpers() -> [Int32] {
        HostProcesses.matching("slirp4netns").filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == getpid()
        }
    }

    // Serialized: each case looks for the helpers that appear during its own run.
    @Test(.serialized, arguments: Ending.allCases)
    func theNetworkHelperIsGoneWhenTheRunEnds(_ ending: Ending) async throws {
        try await Self.inWorkspace("setup-helper") { workspace in
            let before = Set(Self.ourNetworkHelpers())
            let sandbox = try await SandboxSupport.sandbox()
            let policy = try Self.setupPolicy(wallClock: ending == .wallClock ? 3 : 60)
            let command = ending == .exit ? "sleep 1.5" : "sleep 600"
            let task = Task { try await sandbox.run(.shell(command, workspace: workspace, policy: policy)) }
            var seen: Set<Int32> = []
            for _ in 0..<300 where seen.isEmpty {
                seen.formUnion(Set(Self.ourNetworkHelpers()).subtracting(before))
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(!seen.isEmpty, "control: a network helper ran during the setup phase")
            if ending == .cancellation { task.cancel() }
            let result = try await task.value
            switch ending {
            case .exit: #expect(result.termination == .exited(0), "\(result.standardError.text)")
            case .wallClock: #expect(result.limit == .wallClock)
            case .cancellation: #expect(result.termination != .exited(0))
            }
            // Another suite's setup run in this process may have started a helper in the same moment: that one
            // ends with its own run (seen lasting over 20 s under CI's load), while a helper this run leaked lives
            // on (its command slept 600 s).
            var survivors = seen.filter(HostProcesses.isAlive)
            for _ in 0..<900 where !survivors.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
                survivors = survivors.filter(HostProcesses.isAlive)
            }
            #expect(survivors.isEmpty, "\(survivors.map(HostProcesses.describe))")
        }
    }

    @Test func aMissingNetworkHelperIsAClearErrorNamingThePackage() async throws {
        try await Self.inWorkspace("setup-missing") { workspace in
            let sandbox = try await BubblewrapSandbox.detect(configuration: .init(
                hostEnvironment: [:], networkHelperPath: "/nonexistent/slirp4netns"))
            let error = await #expect(throws: SandboxError.self) {
                _ = try await sandbox.run(.shell("true", workspace: workspace, policy: try Self.setupPolicy()))
            }
            #expect(error?.kind == .networkUnavailable)
            #expect(error?.message.contains("apt-get install slirp4netns") == true, "\(error?.message ?? "")")
            // The test policy has no network, so it needs no helper.
            let offline = try await sandbox.run(
                .shell("true", workspace: workspace, policy: try SandboxSupport.testPolicy()))
            #expect(offline.termination == .exited(0))
        }
    }
}
