import FixloopCore
import Foundation
import Testing

@testable import FixloopSandbox

@Suite struct SeccompFilterTests {
    @Test func theProgramChecksTheArchitectureFirstAndEndsByAllowing() {
        let program = SeccompFilter.instructions(
            arch: SeccompFilter.auditArchX8664, denied: SeccompFilter.deniedX8664, ioctl: SeccompFilter.ioctlX8664)
        #expect(program.count == 6 + 2 * SeccompFilter.deniedX8664.count + 6)
        #expect(program[0] == .init(code: 0x20, jumpTrue: 0, jumpFalse: 0, value: 4))
        #expect(program[1].value == 0xC000_003E)
        #expect(program.last == .init(code: 0x06, jumpTrue: 0, jumpFalse: 0, value: 0x7fff_0000))
        #expect(SeccompFilter.encode(program).count == program.count * 8)
        #expect(SeccompFilter.deniedX8664.contains(101), "ptrace")
    }

    @Test(.enabled(if: SeccompFilter.program != nil))
    func tracingNamespacesAndTerminalInjectionAreDenied() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("seccomp")
        defer { try? FileManager.default.removeItem(at: workspace) }
        let script = """
            import ctypes, fcntl, termios
            libc = ctypes.CDLL(None, use_errno=True)
            print("traceme", libc.ptrace(0, 0, 0, 0), ctypes.get_errno())
            print("unshare", libc.unshare(0x00020000), ctypes.get_errno())
            for request in (termios.TIOCSTI, termios.TIOCSTI | (1 << 32)):
                try:
                    fcntl.ioctl(0, request, b"x"); print("INJECTED")
                except OSError as error:
                    print("tiocsti", error.errno)
            print("seccomp", open("/proc/self/status").read().split("Seccomp:")[1].split()[0])
            """
        try script.write(to: workspace.appendingPathComponent("s.py"), atomically: true, encoding: .utf8)
        let result = try await SandboxSupport.shell("python3 s.py", in: workspace)
        #expect(result.standardOutput.text == "traceme -1 1\nunshare -1 1\ntiocsti 1\ntiocsti 1\nseccomp 2\n")
    }
}
