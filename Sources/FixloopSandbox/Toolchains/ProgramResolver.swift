import FixloopCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Says where each program of a test command resolves inside the real sandbox: a tiny resolver (`command -v`
/// through the sandbox's own shell, then an executable check that follows links) runs under the same policy and
/// read-only paths as the tests; a program it does not find is looked for on the host, with the bind that would
/// bring it in.
public enum ProgramResolver {
    /// The resolver script; the programs follow as its arguments.
    static let script = """
        for p do
          if r=$(command -v "$p" 2>/dev/null) && case $r in */*) [ -x "$r" ];; *) true;; esac; then
            printf 'found\\t%s\\t%s\\n' "$p" "$r"
          else
            printf 'missing\\t%s\\t\\n' "$p"
          fi
        done
        """

    /// Resolves the programs of `command`.
    /// - Parameters:
    ///   - command: the test command, as `sh -c` runs it.
    ///   - workspace: the host folder bound at the policy's workspace path (relative programs are looked up there).
    ///   - extraReadOnlyPaths: the operator's read-only paths (`--ro`, `[sandbox] read_only`).
    ///   - hostSearchPath: the host's `PATH` (read by the caller, at the edge), where a missing program is looked for.
    /// - Returns: one resolution per program, in the order the command names them.
    /// - Throws: the sandbox's error when it cannot run.
    public static func resolve(
        command: String, sandbox: any Sandbox, workspace: URL, policy: SandboxPolicy, extraReadOnlyPaths: [String],
        hostSearchPath: String
    ) async throws -> [ProgramResolution] {
        let names = programs(in: command)
        guard !names.isEmpty else { return [] }
        var policy = policy
        policy.limits.wallClockSeconds = min(policy.limits.wallClockSeconds, 30)
        let result = try await sandbox.run(SandboxRequest(
            arguments: ["/bin/sh", "-c", script, "sh"] + names, workspace: workspace, policy: policy,
            extraReadOnlyPaths: extraReadOnlyPaths))
        var inside: [String: String] = [:]
        for line in result.standardOutput.text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if fields.count == 3, fields[0] == "found" { inside[fields[1]] = fields[2] }
        }
        return names.map { name in
            if let path = inside[name] { return ProgramResolution(program: name, path: path) }
            let host = hostLocation(of: name, workspace: workspace, searchPath: hostSearchPath)
            let bind = host.map { VirtualenvInterpreter.prefix(ofBin: ($0 as NSString).deletingLastPathComponent) }
            return ProgramResolution(program: name, path: nil, hostPath: host, readOnlyPath: bind)
        }
    }

    /// The programs a shell command runs: the first word of each simple command (after `VAR=value` words and
    /// `env`, `exec`, `command`, `time`, `nice`), without duplicates. Quotes are removed; anything fancier than
    /// that (substitutions, functions) is not followed.
    public static func programs(in command: String) -> [String] {
        var result: [String] = []
        let wrappers: Set<String> = ["env", "exec", "command", "time", "nice", "then", "do", "else", "if", "while", "!"]
        for segment in segments(of: command) {
            let words = segment.split(whereSeparator: { $0 == " " || $0 == "\t" }).map {
                $0.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "'", with: "")
            }
            guard let program = words.first(where: {
                !wrappers.contains($0) && !$0.hasPrefix("-") && !isAssignment($0)
            }) else { continue }
            if !result.contains(program) { result.append(program) }
        }
        return result
    }

    static func segments(of command: String) -> [String] {
        var text = command
        for separator in ["&&", "||", ";", "|", "(", ")", "\n", "&"] {
            text = text.replacingOccurrences(of: separator, with: "\u{0}")
        }
        return text.split(separator: "\u{0}").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func isAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        return word[..<equals].allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// Where the host has `name`, links resolved: a path as given (relative to the workspace), else on the host's
    /// search path.
    static func hostLocation(of name: String, workspace: URL, searchPath: String) -> String? {
        if name.contains("/") {
            let path = name.hasPrefix("/") ? name : workspace.appendingPathComponent(name).path
            return VirtualenvInterpreter.realPath(path)
        }
        for folder in searchPath.split(separator: ":") where folder.hasPrefix("/") {
            let candidate = "\(folder)/\(name)"
            if access(candidate, X_OK) == 0 { return VirtualenvInterpreter.realPath(candidate) ?? candidate }
        }
        return nil
    }
}
