import FixloopCore
import Foundation
import Testing

@testable import FixloopSandbox

/// Where each program of a test command resolves inside the real sandbox (`doctor --test CMD`).
@Suite struct ProgramResolverTests {
    @Test(arguments: [
        ("python3 -m pytest -rA", ["python3"]),
        ("cd web && CI=1 npm test -- --json | tee out.txt", ["cd", "npm", "tee"]),
        ("env -i PATH=/usr/bin .venv/bin/python -m pytest; go test ./...", [".venv/bin/python", "go"]),
        ("'node' --test && node --version", ["node"]),
    ])
    func theProgramsOfACommandAreItsCommandWords(command: String, expected: [String]) {
        #expect(ProgramResolver.programs(in: command) == expected)
    }

    func resolve(_ command: String, readOnly: [String] = [], hostPATH: String = "/usr/bin:/bin") async throws
        -> [ProgramResolution] {
        let workspace = try SandboxSupport.temporaryDirectory("resolve")
        defer { try? FileManager.default.removeItem(at: workspace) }
        return try await ProgramResolver.resolve(
            command: command, sandbox: try await SandboxSupport.sandbox(), workspace: workspace,
            policy: try SandboxSupport.testPolicy(), extraReadOnlyPaths: readOnly, hostSearchPath: hostPATH)
    }

    @Test func programsAreResolvedInsideTheSandbox() async throws {
        let resolutions = try await resolve("python3 -m pytest && fixloop-no-such-tool --x | sort; cd /tmp")
        #expect(resolutions == [
            ProgramResolution(program: "python3", path: "/usr/bin/python3"),
            ProgramResolution(program: "fixloop-no-such-tool", path: nil),
            ProgramResolution(program: "sort", path: "/usr/bin/sort"),
            ProgramResolution(program: "cd", path: "cd"),
        ])
        #expect(resolutions[1].summary == "fixloop-no-such-tool is not found inside the sandbox, nor on the host")
    }

    @Test func aHostProgramOutsideTheSandboxIsNamedWithTheBindThatBringsItIn() async throws {
        let folder = try SandboxSupport.temporaryDirectory("hosttool")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bin = folder.appendingPathComponent("toolchain/bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let tool = bin.appendingPathComponent("fixloop-tool")
        try "#!/bin/sh\necho tool\n".write(to: tool, atomically: true, encoding: .utf8)
        #expect(chmod(tool.path, 0o755) == 0)
        let missing = try await resolve("fixloop-tool --check", hostPATH: "/usr/bin:\(bin.path)")
        #expect(missing == [ProgramResolution(
            program: "fixloop-tool", path: nil, hostPath: tool.path,
            readOnlyPath: folder.appendingPathComponent("toolchain").path)])
        #expect(missing[0].summary.contains("bind \(folder.path)/toolchain read-only (--ro \(folder.path)/toolchain)"))
        let bound = try await resolve(tool.path, readOnly: [folder.appendingPathComponent("toolchain").path])
        #expect(bound == [ProgramResolution(program: tool.path, path: tool.path)])
    }

    @Test func aWorkspaceLinkIntoAToolchainOutsideTheSandboxIsNotFound() async throws {
        let folder = try SandboxSupport.temporaryDirectory("linked")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bin = folder.appendingPathComponent("python-3.11/bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let python = bin.appendingPathComponent("python3.11")
        try "#!/bin/sh\necho 1\n".write(to: python, atomically: true, encoding: .utf8)
        #expect(chmod(python.path, 0o755) == 0)
        let workspace = try SandboxSupport.temporaryDirectory("linked-ws")
        defer { try? FileManager.default.removeItem(at: workspace) }
        try FileManager.default.createDirectory(
            at: workspace.appendingPathComponent(".venv/bin"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: workspace.appendingPathComponent(".venv/bin/python").path, withDestinationPath: python.path)
        let resolutions = try await ProgramResolver.resolve(
            command: ".venv/bin/python -m pytest", sandbox: try await SandboxSupport.sandbox(), workspace: workspace,
            policy: try SandboxSupport.testPolicy(), extraReadOnlyPaths: [], hostSearchPath: "/usr/bin")
        #expect(resolutions == [ProgramResolution(
            program: ".venv/bin/python", path: nil, hostPath: python.path,
            readOnlyPath: folder.appendingPathComponent("python-3.11").path)])
    }
}
