import FixloopCore
import FixloopSandbox
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a test command in the sandbox and reads its evidence (``TestEvidence``).
///
/// When the runner can write a structured report (``StructuredReportRunner``), each run gets a fresh folder
/// under the system temporary directory, bound read-write at ``insidePath`` for that run only, and the runner
/// is asked to write `<random>.xml` there. The host reads it without following links and removes the folder.
public struct TestEvidenceRunner: Sendable {
    /// Where the evidence folder appears inside the sandbox.
    public static let insidePath = "/fixloop-evidence"

    private let sandbox: any Sandbox

    /// Creates a runner over `sandbox`.
    public init(sandbox: any Sandbox) {
        self.sandbox = sandbox
    }

    /// One run's sandbox result and evidence.
    public struct Run: Sendable {
        /// How the command ended, with its captured output.
        public var sandbox: SandboxResult
        /// What the run shows and whether it holds together.
        public var evidence: TestEvidence
    }

    /// Runs `command` once.
    /// - Parameters:
    ///   - junitXMLPaths: workspace-relative JUnit XML files the command writes itself (`--junit`).
    /// - Throws: ``SandboxError`` when the sandbox cannot run.
    public func run(
        _ command: String, workspace: URL, policy: SandboxPolicy, extraReadOnlyPaths: [String],
        junitXMLPaths: [String] = []
    ) async throws -> Run {
        if !junitXMLPaths.isEmpty {
            try await BlockingWork.run { for path in junitXMLPaths { WorkspaceFileReader.remove(path, in: workspace) } }
        }
        let runner = StructuredReportRunner.detect(in: command)
        let folder = try runner.map { _ in try Self.makeFolder() }
        defer { if let folder { try? FileManager.default.removeItem(at: folder) } }
        var policy = policy
        var bind: SandboxBind?
        let name = "\(UUID().uuidString.lowercased()).\(runner?.fileExtension ?? "xml")"
        if let runner, let folder {
            let inside = sandbox.kind == "none" ? folder.path : Self.insidePath
            bind = SandboxBind(hostPath: folder.path, path: Self.insidePath)
            try Self.write(runner.supportFiles, to: folder)
            policy.setEnvironment.merge(
                runner.environment(reportPath: inside + "/" + name, existing: policy.setEnvironment)) { $1 }
        }
        let result = try await sandbox.run(.shell(
            command, workspace: workspace, policy: policy, extraReadOnlyPaths: extraReadOnlyPaths, readWriteBind: bind))
        let report = try await BlockingWork.run { folder.flatMap { WorkspaceFileReader.read(name, in: $0) } }
        let xml = junitXMLPaths.isEmpty ? [] : try await BlockingWork.run {
            junitXMLPaths.compactMap { WorkspaceFileReader.read($0, in: workspace) }
        }
        let output = result.standardOutput.text + "\n" + result.standardError.text
        let evidence = TestEvidence.read(
            output: output, exitedZero: result.succeeded, runner: runner, report: report, junitXML: xml,
            workspacePath: sandbox.kind == "none" ? workspace.standardizedFileURL.path : policy.workspacePath)
        return Run(sandbox: result, evidence: evidence)
    }

    /// Writes the runner's support files (readable by the sandbox user, who is given the folder for the run).
    static func write(_ files: [String: String], to folder: URL) throws {
        for (name, text) in files {
            let url = folder.appendingPathComponent(name)
            do {
                try Data(text.utf8).write(to: url, options: .withoutOverwriting)
            } catch {
                throw VerifyError(
                    code: "verify.evidence_folder",
                    message: "The test runner's file \(url.path) cannot be written (\(error.localizedDescription)); "
                        + "check that the temporary directory is writable.")
            }
        }
    }

    /// A fresh 0700 folder with a random name under the system temporary directory.
    static func makeFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("fixloop-evidence-\(UUID().uuidString.lowercased())", isDirectory: true)
        guard mkdir(folder.path, 0o700) == 0 else {
            throw VerifyError(
                code: "verify.evidence_folder",
                message: "The evidence folder \(folder.path) cannot be created (\(String(cString: strerror(errno)))); "
                    + "check that the temporary directory is writable.")
        }
        return folder
    }
}
