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

    /// The policy catalog: the policies bundled with the binary. Never the current directory, which may be an
    /// untrusted checkout; the operator names any other policy file with `--policy FILE`.
    static func catalog() -> SandboxPolicyCatalog {
        SandboxPolicyCatalog()
    }
}

/// Encodes a report as pretty, key-sorted JSON on standard output.
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        CommandIO.current.write(try JSONEncoder.prettyText(value) + "\n")
    }
}
