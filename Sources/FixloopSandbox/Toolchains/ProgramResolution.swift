/// Where one program of a test command resolves inside the sandbox (for `fixloop doctor --test CMD`).
public struct ProgramResolution: Sendable, Equatable, Codable {
    /// The program as the command names it: `python3`, `.venv/bin/python`, `/root/.cargo/bin/cargo`.
    public var program: String
    /// Where the sandbox's shell finds it (a path, or the name itself for a shell builtin); nil when not found.
    public var path: String?
    /// Where it is on the host, when it is not found inside but the host has it (through links, resolved).
    public var hostPath: String?
    /// The read-only bind that would bring it in (`--ro PATH`, `[sandbox] read_only`), when one would.
    public var readOnlyPath: String?

    /// Creates a resolution.
    public init(program: String, path: String?, hostPath: String? = nil, readOnlyPath: String? = nil) {
        self.program = program
        self.path = path
        self.hostPath = hostPath
        self.readOnlyPath = readOnlyPath
    }

    enum CodingKeys: String, CodingKey {
        case program, path
        case hostPath = "host_path"
        case readOnlyPath = "read_only_path"
    }

    /// Whether the sandbox finds it.
    public var found: Bool { path != nil }

    /// One sentence: where it resolves, or that it is not found and what would fix it.
    public var summary: String {
        if let path { return "\(program) resolves to \(path) inside the sandbox" }
        guard let hostPath else { return "\(program) is not found inside the sandbox, nor on the host" }
        guard let readOnlyPath else { return "\(program) is not found inside the sandbox (the host has \(hostPath))" }
        let call = program.contains("/") ? "" : ", and call it as \(hostPath) or put its folder on the policy's PATH"
        return "\(program) is not found inside the sandbox; the host has \(hostPath): bind \(readOnlyPath) read-only "
            + "(--ro \(readOnlyPath))\(call)"
    }
}
