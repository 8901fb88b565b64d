import FixloopConfig
import FixloopGit
import Foundation

/// `fixloop doctor`'s checks, each a function of ``DoctorFacts`` that returns a typed ``DoctorCheck``: the
/// sandbox (bubblewrap and its namespaces, the uid lease), libgit2, the state directory, a key and a price for
/// every configured model, GitHub access and the webhook secret.
enum Doctor {
    /// Runs every check, in the order a new user meets them.
    static func run(_ facts: DoctorFacts) async -> DoctorReport {
        var checks = [await bubblewrap(facts), sandboxUsers(facts), libgit2(), stateDirectory(facts)]
        for model in configuredModels(facts.configuration) {
            checks.append(modelKey(model, facts: facts))
            checks.append(modelPrice(model, facts: facts))
        }
        checks.append(githubAuth(facts))
        checks.append(webhookSecret(facts))
        return DoctorReport(checks: checks)
    }

    static func libgit2() -> DoctorCheck {
        .ok("libgit2", "libgit2 \(Libgit2Version.current) is linked.")
    }

    /// Makes the state directory's folders and writes and removes a file in it, as the first real command would.
    static func stateDirectory(_ facts: DoctorFacts) -> DoctorCheck {
        let root = facts.state.root.path
        do {
            try facts.state.prepare()
            let probe = facts.state.root.appendingPathComponent(".doctor-\(getpid())")
            try Data("probe".utf8).write(to: probe)
            try FileManager.default.removeItem(at: probe)
            return .ok("state_directory", "The state directory \(root) is writable.")
        } catch let error as StateDirectoryError {
            return .fail("state_directory", error.message)
        } catch {
            return .fail("state_directory", "The state directory \(root) cannot be written (\(error.localizedDescription)); "
                + "set FIXLOOP_HOME or --state-dir to a folder this user can write.")
        }
    }
}
