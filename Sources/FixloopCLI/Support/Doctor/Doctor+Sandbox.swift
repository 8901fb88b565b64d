import FixloopSandbox
import Foundation

extension Doctor {
    /// bubblewrap is installed and creates its namespaces: the same probe `fix` and `verify` run first
    /// (``BubblewrapSandbox/detect(configuration:)``), and when it fails, why, from the kernel's sysctls.
    static func bubblewrap(_ facts: DoctorFacts) async -> DoctorCheck {
        let path = facts.bubblewrapPath
        do {
            _ = try await BubblewrapSandbox.detect(
                configuration: .init(bubblewrapPath: path, hostEnvironment: facts.environment))
            return .ok("bubblewrap", "bubblewrap at \(path) creates its namespaces.")
        } catch let error as SandboxError where error.kind == .bubblewrapMissing {
            return .fail("bubblewrap", "bubblewrap is not installed at \(path); install it with `sudo apt-get install bubblewrap` "
                + "(or scripts/bootstrap).")
        } catch let error as SandboxError where error.kind == .namespacesUnavailable {
            let said = error.cause.map { " (\($0))" } ?? ""
            let why = NamespaceDiagnosis.explain(sysctl: facts.sysctl, inContainer: facts.inContainer)
            return .fail("bubblewrap", "bubblewrap at \(path) cannot create a user namespace\(said) because \(why).")
        } catch let error as SandboxError {
            return .fail("bubblewrap", error.message)
        } catch {
            return .fail("bubblewrap", "bubblewrap at \(path) could not be tried (\(error)); check that it runs: `\(path) --version`.")
        }
    }

    /// The uid lease: run as root, each sandbox takes a uid of its own from the test policy's range, locked in a
    /// private folder under /tmp; as another user, sandboxes run as that user and nothing is leased.
    static func sandboxUsers(_ facts: DoctorFacts) -> DoctorCheck {
        guard facts.runsAsRoot else {
            return .skip("sandbox_uids", "Fixloop runs as uid \(geteuid()), not root, so sandboxes run as this user and no uid is leased.")
        }
        do {
            let policy = try SandboxChoice.catalog().policy("test")
            let survey = try SandboxUserLeaseSurvey.survey(policy: policy)
            let range = "uids \(survey.firstUser)–\(survey.firstUser + UInt32(survey.count) - 1)"
            guard survey.free > 0 else {
                return .warn("sandbox_uids", "All \(survey.count) sandbox \(range) are held by running sandboxes, so a new run "
                    + "waits for one; raise [user] count in the test policy (sandbox/test.toml) to run more at once.")
            }
            return .ok("sandbox_uids", "\(survey.free) of \(survey.count) sandbox \(range) are free (locks in \(survey.folder)).")
        } catch let error as SandboxError {
            return .fail("sandbox_uids", error.message)
        } catch {
            return .fail("sandbox_uids", "The sandbox uid lease cannot be checked (\(error)); reinstall Fixloop so its sandbox policies are found.")
        }
    }
}
