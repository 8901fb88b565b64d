@testable import FixloopEngineer
import FixloopTesting
import Foundation
import Testing

struct RepositorySettingsTests {
    @Test(arguments: [
        (["Package.swift": "// swift"], "swift test"),
        (["pyproject.toml": "[project]", "requirements.txt": "pytest"], "python3 -m pytest -rA"),
        (["package.json": #"{"scripts": {"test": "jest"}}"#], "npm test"),
        (["go.mod": "module x"], "go test -v ./..."),
        (["Cargo.toml": "[package]"], "cargo test"),
    ])
    func detectsTheTestCommand(files: [String: String], expected: String) async throws {
        try await withTemporaryDirectory { root in
            try GitFixture.write(files, in: root)
            #expect(TestCommandDetector.detect(in: root)?.test == expected)
        }
    }

    @Test func flagsWinOverTheFileWhichWinsOverDetection() async throws {
        try await withTemporaryDirectory { root in
            try GitFixture.write(["Package.swift": "// swift"], in: root)
            var file = RepositorySettings()
            file.testCommand = "make check"
            let fromFile = RepositorySettings.resolve(in: root, overrides: .init(), fileSettings: file)
            #expect(fromFile.testCommand == "make check")
            #expect(fromFile.sources["test"] == ".fixloop.toml")
            let fromFlag = RepositorySettings.resolve(in: root, overrides: .init(testCommand: "swift test --filter X"), fileSettings: file)
            #expect(fromFlag.testCommand == "swift test --filter X")
            #expect(fromFlag.sources["test"] == "flag")
            let detected = RepositorySettings.resolve(in: root, overrides: .init(), fileSettings: nil)
            #expect(detected.testCommand == "swift test")
            #expect(detected.sources["test"]?.hasPrefix("detected") == true)
        }
    }

    @Test func aPackageJSONLinkedOutOfTheCheckoutIsNotRead() async throws {
        try await withTemporaryDirectory { root in
            let checkout = root.appendingPathComponent("checkout")
            try GitFixture.write(["README.md": "hi"], in: checkout)
            try GitFixture.write(["host.json": #"{"scripts": {"test": "jest"}}"#], in: root)
            try FileManager.default.createSymbolicLink(
                atPath: checkout.appendingPathComponent("package.json").path, withDestinationPath: root.appendingPathComponent("host.json").path)
            #expect(TestCommandDetector.detect(in: checkout) == nil)
        }
    }

    @Test func theRepositoryTightensTheDiffPolicyButNeverLoosensItNorMountsPaths() async throws {
        try await withTemporaryDirectory { root in
            var file = RepositorySettings()
            file.testCommand = "make check"
            file.readOnlyPaths = ["/root/.ssh"]
            file.maxChangedLines = 5000
            let loose = RepositorySettings.resolve(in: root, overrides: .init(readOnlyPaths: ["/opt/tools"]), fileSettings: file)
            #expect(loose.readOnlyPaths == ["/opt/tools"], "only the operator's paths")
            #expect(loose.maxChangedLines == RepositorySettings.operatorMaxChangedLines)
            file.maxChangedLines = 40
            #expect(RepositorySettings.resolve(in: root, overrides: .init(), fileSettings: file).maxChangedLines == 40)
        }
    }

    @Test func nothingToDetectLeavesTheCommandUnset() async throws {
        try await withTemporaryDirectory { root in
            try GitFixture.write(["README.md": "hi"], in: root)
            #expect(RepositorySettings.resolve(in: root, overrides: .init(), fileSettings: nil).testCommand == nil)
        }
    }
}
