import ArgumentParser
import FixloopConfig
import FixloopCore
import FixloopSandbox
import Foundation

/// `--sandbox bubblewrap|none`: the real sandbox, or the loudly labelled opt-out for isolated machines.
enum SandboxChoice: String, ExpressibleByArgument, CaseIterable {
    case bubblewrap
    case none

    /// Builds the chosen sandbox; `none` prints a warning every time.
    func make(context: CommandContext) async throws -> any Sandbox {
        switch self {
        case .bubblewrap:
            return try await BubblewrapSandbox.detect(configuration: .init(hostEnvironment: context.environment))
        case .none:
            StandardError.write("""
                WARNING: --sandbox none: commands run WITHOUT ISOLATION. They can read your files, secrets and \
                network and write anywhere this user can. Use only on a throwaway, already-isolated machine.

                """)
            return UnisolatedSandbox(hostEnvironment: context.environment)
        }
    }

    /// Refuses binding the state directory (database, mirrors, tokens) or a folder that contains it.
    /// - Throws: ``CommandError`` naming the path.
    static func refuseStateDirectory(_ paths: [String], state: StateDirectory) throws {
        let root = state.root.standardizedFileURL.path
        let workspaces = state.workspaces.standardizedFileURL.path
        for raw in paths {
            let path = URL(fileURLWithPath: raw).standardizedFileURL.path
            let containsState = path == "/" || root == path || root.hasPrefix(path + "/")
            let insideState = path.hasPrefix(root + "/") && !(path == workspaces || path.hasPrefix(workspaces + "/"))
            if containsState || insideState {
                throw CommandError(
                    code: "cli.state_directory_exposed",
                    message: "The path \(path) would show Fixloop's state directory \(root) inside the sandbox; "
                        + "give a path outside it.")
            }
        }
    }

    /// The policy catalog: `./sandbox/*.toml`, then the built-in copies.
    static func catalog() -> SandboxPolicyCatalog {
        SandboxPolicyCatalog(directories: [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("sandbox")
        ])
    }
}

/// Encodes a report as pretty, key-sorted JSON on standard output.
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        Swift.print(String(decoding: data, as: UTF8.self))
    }
}
