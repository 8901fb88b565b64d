import FixloopCore
import FixloopGit
import Foundation
import Subprocess

/// Measures workspace creation against baselines in one run: pooled reset, new clone, `cp -r`, `git clone`.
///
/// The `git` and `cp` processes here are baselines to compare against, not product git work.
struct WorkspaceBenchmark {
    let remote: RepositoryReference
    let scratch: URL
    let runs: Int

    struct Report: Encodable {
        var files: Int
        var runs: Int
        var pooledResetMs: Double
        var newCloneMs: Double
        var copyMs: Double
        var gitCloneNoLocalMs: Double?
        var pooledRatio: Double { pooledResetMs / copyMs }
        var newCloneRatio: Double { newCloneMs / copyMs }

        enum CodingKeys: String, CodingKey {
            case files, runs, pooledResetMs = "pooled_reset_ms", newCloneMs = "new_clone_ms", copyMs = "cp_r_ms"
            case gitCloneNoLocalMs = "git_clone_no_local_ms", pooledRatio = "pooled_vs_cp_r", newCloneRatio = "new_clone_vs_cp_r"
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(files, forKey: .files)
            try container.encode(runs, forKey: .runs)
            try container.encode(pooledResetMs, forKey: .pooledResetMs)
            try container.encode(newCloneMs, forKey: .newCloneMs)
            try container.encode(copyMs, forKey: .copyMs)
            try container.encodeIfPresent(gitCloneNoLocalMs, forKey: .gitCloneNoLocalMs)
            try container.encode(pooledRatio, forKey: .pooledRatio)
            try container.encode(newCloneRatio, forKey: .newCloneRatio)
        }

        var table: String {
            func row(_ name: String, _ ms: Double, _ ratio: String) -> String {
                name.padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: "%9.1f ms   ", ms) + ratio
            }
            var lines = ["fixloop bench workspace: \(files) files, median of \(runs) runs after a warm-up round",
                         row("workspace, pooled checkout reset", pooledResetMs, String(format: "%.2f× cp -r", pooledRatio)),
                         row("workspace, new clone from the mirror", newCloneMs, String(format: "%.2f× cp -r", newCloneRatio)),
                         row("cp -r of a checkout (baseline)", copyMs, "1.00×")]
            if let git = gitCloneNoLocalMs {
                lines.append(row("git clone --no-local (baseline)", git, String(format: "%.2f× cp -r", git / copyMs)))
            } else {
                lines.append("git clone --no-local (baseline)         not measured: git is not installed")
            }
            let verdict = pooledRatio <= 1.0 ? "met" : "NOT met"
            lines.append("goal: a fresh workspace from the warm mirror in ≤ 1.0× cp -r: \(verdict) with the pool "
                         + String(format: "(%.2f×); a new clone is %.2f×", pooledRatio, newCloneRatio))
            return lines.joined(separator: "\n")
        }
    }

    /// Writes `files` text files in nested folders and commits them with libgit2.
    static func generateRepository(files: Int, in scratch: URL) async throws -> URL {
        let directory = scratch.appendingPathComponent("source", isDirectory: true)
        for index in 0..<files {
            let folder = "pkg\(index % 40)/mod\(index % 7)"
            let url = directory.appendingPathComponent("\(folder)/file\(index).swift")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let body = (0..<(20 + index % 60)).map { "let value\($0) = \($0 * index) // line \($0) of file \(index)" }
            try Data(body.joined(separator: "\n").utf8).write(to: url)
        }
        let copy = try await GitWorkingCopy.initialize(at: directory)
        try await copy.commitAll(message: "generated", author: GitSignature(name: "bench", email: "bench@example.com"))
        return directory
    }

    func measure(progress: (String) -> Void, transfer: GitProgressHandler? = nil) async throws -> Report {
        let mirrors = MirrorCache(root: scratch.appendingPathComponent("mirrors"))
        progress("warming the mirror of \(remote)")
        let mirror = try await mirrors.update(remote, progress: transfer).directory
        let pooled = WorkspacePool(mirrors: mirrors, root: scratch.appendingPathComponent("pooled"), poolSize: 1)
        let unpooled = WorkspacePool(mirrors: mirrors, root: scratch.appendingPathComponent("unpooled"), poolSize: 0)
        let checkout = scratch.appendingPathComponent("checkout")
        try await Self.command("/bin/cp", ["-r", try await pristineCheckout(unpooled).path, checkout.path])
        let fileCount = FileManager.default.enumerator(atPath: checkout.path)?.allObjects.count ?? 0
        let hasGit = FileManager.default.isExecutableFile(atPath: "/usr/bin/git")
        var pooledTimes: [Double] = [], cloneTimes: [Double] = [], copyTimes: [Double] = [], gitTimes: [Double] = []
        for round in 0...runs {
            progress(round == 0 ? "warm-up round" : "round \(round) of \(runs)")
            let pooledTime = try await timeToBody(pooled)
            let cloneTime = try await timeToBody(unpooled)
            let target = scratch.appendingPathComponent("copy-\(round)")
            let copyTime = try await Self.timed { try await Self.command("/bin/cp", ["-r", checkout.path, target.path]) }
            try? FileManager.default.removeItem(at: target)
            var gitTime: Double?
            if hasGit {
                let clone = scratch.appendingPathComponent("git-\(round)")
                gitTime = try await Self.timed { try await Self.command("/usr/bin/git", ["clone", "-q", "--no-local", mirror.path, clone.path]) }
                try? FileManager.default.removeItem(at: clone)
            }
            guard round > 0 else { continue }
            pooledTimes.append(pooledTime)
            cloneTimes.append(cloneTime)
            copyTimes.append(copyTime)
            if let gitTime { gitTimes.append(gitTime) }
        }
        return Report(files: fileCount, runs: runs, pooledResetMs: median(pooledTimes), newCloneMs: median(cloneTimes),
                      copyMs: median(copyTimes), gitCloneNoLocalMs: gitTimes.isEmpty ? nil : median(gitTimes))
    }

    /// A checkout to copy for the `cp -r` baseline: the same files a workspace has, `.git` included.
    private func pristineCheckout(_ pool: WorkspacePool) async throws -> URL {
        let keep = scratch.appendingPathComponent("pristine")
        try await pool.withWorkspace(remote: remote, refresh: .ifMissing) { workspace in
            try await Self.command("/bin/cp", ["-r", workspace.directory.path, keep.path])
        }
        return keep
    }

    /// Milliseconds from asking for a workspace until the run could start in it.
    private func timeToBody(_ pool: WorkspacePool) async throws -> Double {
        let start = ContinuousClock.now
        var elapsed = Duration.zero
        try await pool.withWorkspace(remote: remote, refresh: .ifMissing) { _ in elapsed = ContinuousClock.now - start }
        return Self.milliseconds(elapsed)
    }

    private static func timed(_ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await body()
        return milliseconds(ContinuousClock.now - start)
    }

    private static func command(_ path: String, _ arguments: [String]) async throws {
        let result = try await Subprocess.run(.path(.init(path)), arguments: .init(arguments), output: .discarded, error: .string(limit: 4096))
        guard case .exited(0) = result.terminationStatus else {
            throw CommandError(code: "bench.baseline_failed", message: "The baseline '\(path) \(arguments.joined(separator: " "))' failed: \(result.standardError).")
        }
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        duration.inMilliseconds
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
