import FixloopCore
import TOMLKit

/// Reads a ``SandboxPolicy`` from the TOML of a `sandbox/*.toml` file; unknown keys are an error.
public enum SandboxPolicyReader {
    /// Parses a policy.
    /// - Parameters:
    ///   - text: the TOML document.
    ///   - name: the policy's name (the file name without `.toml`).
    ///   - file: the path named in errors.
    /// - Returns: the policy, with defaults for absent keys.
    /// - Throws: ``SandboxError`` of kind `policyInvalid` naming the key and the file.
    public static func parse(_ text: String, name: String, file: String) throws -> SandboxPolicy {
        let document: TOMLTable
        do {
            document = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SandboxError.policyInvalid(
                file: file, key: nil,
                detail: "is not valid TOML (line \(error.source.begin.line), column \(error.source.begin.column))")
        }
        var root = PolicyTable(file: file, prefix: "", table: document)
        var policy = SandboxPolicy(name: name)
        if let network = try root.bool("network") { policy.network = network }
        if let paths = try root.strings("read_only") { policy.readOnlyPaths = try paths.map { try absolute($0, "read_only", file) } }
        try readPlaces(&root, into: &policy)
        var environment = try root.section("environment")
        if let pass = try environment.strings("pass") { policy.passEnvironment = pass }
        if let set = try environment.stringTable("set") { policy.setEnvironment = set }
        try environment.finish()
        var limits = try root.section("limits")
        policy.limits = try readLimits(&limits)
        try limits.finish()
        var user = try root.section("user")
        if let uid = try user.int("uid", range: 1...Int(UInt32.max - 1)) { policy.userID = UInt32(uid) }
        if let gid = try user.int("gid", range: 1...Int(UInt32.max - 1)) { policy.groupID = UInt32(gid) }
        if let count = try user.int("count", range: 1...4096) { policy.userCount = count }
        try user.finish()
        try root.finish()
        return policy
    }

    private static func readPlaces(_ root: inout PolicyTable, into policy: inout SandboxPolicy) throws {
        var workspace = try root.section("workspace")
        if let path = try workspace.string("path") { policy.workspacePath = try absolute(path, "workspace.path", root.file) }
        try workspace.finish()
        var tmp = try root.section("tmp")
        if let size = try tmp.int("size_mb", range: 1...65536) { policy.tmpSizeBytes = size << 20 }
        try tmp.finish()
        var home = try root.section("home")
        if let path = try home.string("path") { policy.homePath = try absolute(path, "home.path", root.file) }
        if let size = try home.int("size_mb", range: 1...65536) { policy.homeSizeBytes = size << 20 }
        try home.finish()
        var shm = try root.section("shm")
        if let size = try shm.int("size_mb", range: 1...65536) { policy.shmSizeBytes = size << 20 }
        try shm.finish()
    }

    private static func readLimits(_ table: inout PolicyTable) throws -> SandboxLimits {
        var limits = SandboxLimits()
        if let value = try table.int("cpu_seconds", range: 1...86400) { limits.cpuSeconds = value }
        if let value = try table.int("memory_mb", range: 16...1_048_576) { limits.memoryBytes = value << 20 }
        if let value = try table.int("processes", range: 4...65536) { limits.processes = value }
        if let value = try table.int("open_files", range: 16...1_048_576) { limits.openFiles = value }
        if let value = try table.int("file_size_mb", range: 1...1_048_576) { limits.fileSizeBytes = value << 20 }
        if let value = try table.double("wall_clock_seconds") {
            guard value > 0 && value <= 86400 else {
                throw SandboxError.policyInvalid(
                    file: table.file, key: "limits.wall_clock_seconds", detail: "must be between 0 and 86400")
            }
            limits.wallClockSeconds = value
        }
        if let value = try table.int("output_bytes", range: 1024...(1 << 30)) { limits.outputBytes = value }
        if let value = try table.int("output_kill_mb", range: 1...65536) { limits.outputKillBytes = value << 20 }
        if let value = try table.int("workspace_mb", range: 1...16_777_216) { limits.workspaceBytes = value << 20 }
        if let value = try table.int("workspace_files", range: 16...100_000_000) { limits.workspaceFiles = value }
        return limits
    }

    private static func absolute(_ path: String, _ key: String, _ file: String) throws -> String {
        guard path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            throw SandboxError.policyInvalid(file: file, key: key, detail: "must hold absolute paths without '..'")
        }
        return path
    }
}
