import FixloopCore
import FixloopSandbox
import Foundation

/// How to set up and test one repository. Flags win over the repository's `.fixloop.toml`, which wins over
/// detection from the files present (pytest, `swift test`, `npm test`, `go test`, `cargo test`).
///
/// The repository is untrusted: it may tighten the operator's diff policy but never loosen it, and it never
/// mounts host paths (only the operator's `--ro` and `[sandbox] read_only` do).
public struct RepositorySettings: Sendable, Equatable {
    /// Installs dependencies; runs with the network (setup policy). Nil when none is needed.
    public var setupCommand: String?
    /// Runs the tests; never has the network (test policy).
    public var testCommand: String?
    /// Extra read-only host paths for the sandbox: the operator's only, never the repository's.
    public var readOnlyPaths: [String] = []
    /// Globs the diff must not touch, on top of ``DiffPolicy/defaultProtectedPaths`` (a repository only adds).
    public var protectedPaths: [String] = []
    /// The most lines (added plus removed) a fix may change.
    public var maxChangedLines: Int = RepositorySettings.operatorMaxChangedLines
    /// The operator's limit on changed lines; a repository may set a lower one, never a higher one.
    public static let operatorMaxChangedLines = 200
    /// Where each value came from, for the run's report: `flag`, `.fixloop.toml`, `detected (…)`.
    public var sources: [String: String] = [:]

    public init() {}

    /// The values given on the command line; nil means "not given".
    public struct Overrides: Sendable, Equatable {
        public var setupCommand: String?
        public var testCommand: String?
        public var readOnlyPaths: [String] = []

        public init(setupCommand: String? = nil, testCommand: String? = nil, readOnlyPaths: [String] = []) {
            self.setupCommand = setupCommand
            self.testCommand = testCommand
            self.readOnlyPaths = readOnlyPaths
        }
    }

    /// Resolves the settings for the checkout at `directory`.
    /// - Parameters:
    ///   - directory: the workspace root.
    ///   - overrides: the command-line values.
    ///   - fileSettings: the parsed `.fixloop.toml`, if the repository has one.
    public static func resolve(
        in directory: URL, overrides: Overrides, fileSettings: RepositorySettings?
    ) -> RepositorySettings {
        var settings = fileSettings ?? RepositorySettings()
        // What the repository may not decide: host mounts, and a looser diff limit than the operator's.
        settings.readOnlyPaths = overrides.readOnlyPaths
        settings.maxChangedLines = min(settings.maxChangedLines, operatorMaxChangedLines)
        if fileSettings != nil {
            if settings.testCommand != nil { settings.sources["test"] = ".fixloop.toml" }
            if settings.setupCommand != nil { settings.sources["setup"] = ".fixloop.toml" }
        }
        if settings.testCommand == nil, let detected = TestCommandDetector.detect(in: directory) {
            settings.testCommand = detected.test
            settings.setupCommand = settings.setupCommand ?? detected.setup
            settings.sources["test"] = "detected (\(detected.reason))"
            if detected.setup != nil, settings.sources["setup"] == nil { settings.sources["setup"] = "detected (\(detected.reason))" }
        }
        if let test = overrides.testCommand {
            settings.testCommand = test
            settings.sources["test"] = "flag"
        }
        if let setup = overrides.setupCommand {
            settings.setupCommand = setup
            settings.sources["setup"] = "flag"
        }
        return settings
    }
}

/// Guesses the test command from the files at a repository's root.
public enum TestCommandDetector {
    /// A detected command and why.
    public struct Detection: Sendable, Equatable {
        public let test: String
        public let setup: String?
        public let reason: String
    }

    /// The first match, in order: Swift package, Python (pytest), Node, Go, Rust.
    public static func detect(in directory: URL) -> Detection? {
        func has(_ name: String) -> Bool {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
        }
        if has("Package.swift") {
            return Detection(test: "swift test", setup: "swift build --build-tests", reason: "Package.swift")
        }
        if has("pytest.ini") || has("conftest.py") || has("tox.ini") || has("pyproject.toml") || has("setup.py")
            || has("setup.cfg") || has("tests/conftest.py") {
            let setup = has("requirements.txt") ? "python3 -m pip install -r requirements.txt" : nil
            return Detection(test: "python3 -m pytest -rA", setup: setup, reason: "Python project")
        }
        if has("package.json"),
           let data = try? CheckoutFile.read("package.json", in: directory, maxBytes: 1 << 20),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let scripts = object["scripts"] as? [String: Any], scripts["test"] != nil {
            return Detection(test: "npm test", setup: has("package-lock.json") ? "npm ci" : "npm install", reason: "package.json")
        }
        if has("go.mod") { return Detection(test: "go test -v ./...", setup: "go mod download", reason: "go.mod") }
        if has("Cargo.toml") { return Detection(test: "cargo test", setup: "cargo fetch", reason: "Cargo.toml") }
        return nil
    }
}
