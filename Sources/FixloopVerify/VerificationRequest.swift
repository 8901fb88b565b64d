import Foundation

/// What to verify: a checked-out workspace, the commands, the patches and the expected test lists.
public struct VerificationRequest: Sendable {
    /// The checked-out workspace; it is modified (setup, patches, test artefacts).
    public var workspace: URL
    /// Run once first under the `setup` policy (network on), e.g. `pip install -e .`.
    public var setupCommand: String?
    /// Applied before the *before* picture: the tests that show the bug (bytes, applied as they are).
    public var testPatch: [UInt8]?
    /// The test command, run with `/bin/sh -c` under the `test` policy (no network).
    public var testCommand: String
    /// The patch under judgement (bytes, applied as they are).
    public var patch: [UInt8]
    /// Tests that must fail before and pass after; derived when both lists are empty.
    public var failToPass: [String]
    /// Tests that must keep passing; derived when both lists are empty.
    public var passToPass: [String]
    /// How many times the tests run before and after (more than 1 finds flaky tests).
    public var runs: Int
    /// More host paths bound read-only.
    public var extraReadOnlyPaths: [String]
    /// Workspace-relative JUnit XML files the test command writes (read without following links).
    public var junitXMLPaths: [String]
    /// Whether test files and test configuration the patch changes are put back from the base plus the test patch
    /// before the *after* runs (``TestFileRules``). The engineer turns it off when its patch carries its own
    /// reproduction test.
    public var restoresTestFiles: Bool

    /// Creates a request with text patches (their UTF-8 bytes).
    public init(
        workspace: URL, setupCommand: String? = nil, testPatch: String? = nil, testCommand: String, patch: String,
        failToPass: [String] = [], passToPass: [String] = [], runs: Int = 1, extraReadOnlyPaths: [String] = [],
        junitXMLPaths: [String] = [], restoresTestFiles: Bool = true
    ) {
        self.init(
            workspace: workspace, setupCommand: setupCommand, testPatch: testPatch.map { Array($0.utf8) },
            testCommand: testCommand, patch: Array(patch.utf8), failToPass: failToPass, passToPass: passToPass,
            runs: runs, extraReadOnlyPaths: extraReadOnlyPaths, junitXMLPaths: junitXMLPaths,
            restoresTestFiles: restoresTestFiles)
    }

    /// Creates a request.
    public init(
        workspace: URL, setupCommand: String? = nil, testPatch: [UInt8]?, testCommand: String, patch: [UInt8],
        failToPass: [String] = [], passToPass: [String] = [], runs: Int = 1, extraReadOnlyPaths: [String] = [],
        junitXMLPaths: [String] = [], restoresTestFiles: Bool = true
    ) {
        self.workspace = workspace
        self.setupCommand = setupCommand
        self.testPatch = testPatch
        self.testCommand = testCommand
        self.patch = patch
        self.failToPass = failToPass
        self.passToPass = passToPass
        self.runs = runs
        self.extraReadOnlyPaths = extraReadOnlyPaths
        self.junitXMLPaths = junitXMLPaths
        self.restoresTestFiles = restoresTestFiles
    }
}
