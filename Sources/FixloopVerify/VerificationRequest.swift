import Foundation

/// What to verify: a checked-out workspace, the commands, the patches and the expected test lists.
public struct VerificationRequest: Sendable {
    /// The checked-out workspace; it is modified (setup, patches, test artefacts).
    public var workspace: URL
    /// Run once first under the `setup` policy (network on), e.g. `pip install -e .`.
    public var setupCommand: String?
    /// Applied before the *before* picture: the tests that show the bug.
    public var testPatch: String?
    /// The test command, run with `/bin/sh -c` under the `test` policy (no network).
    public var testCommand: String
    /// The patch under judgement.
    public var patch: String
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

    /// Creates a request.
    public init(
        workspace: URL, setupCommand: String? = nil, testPatch: String? = nil, testCommand: String, patch: String,
        failToPass: [String] = [], passToPass: [String] = [], runs: Int = 1, extraReadOnlyPaths: [String] = [],
        junitXMLPaths: [String] = []
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
    }
}
