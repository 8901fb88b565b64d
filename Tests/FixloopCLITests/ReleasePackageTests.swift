import FixloopTesting
import Foundation
import Testing

/// `scripts/package` makes a tarball that runs from any folder it is unpacked to: the resources come from
/// `share/fixloop` beside the binary, not from the checkout or the build folder.
@Suite(.serialized)
struct ReleasePackageTests {
    static let fixture = ProgramRun.checkout.appendingPathComponent("Tests/Fixtures/python-calc")

    @Test func theUnpackedTarballRunsTheDemoAndVerifyFromAFolderOutsideTheCheckout() async throws {
        let products = ProgramRun.productsFolder
        try #require(FileManager.default.isExecutableFile(atPath: products.appendingPathComponent("fixloop").path), "build the fixloop product first")
        try await withTemporaryDirectory("fixloop-package") { root in
            #expect(!root.path.hasPrefix(ProgramRun.checkout.path + "/"), "the temporary folder is outside the checkout")
            let elsewhere = root.appendingPathComponent("elsewhere", isDirectory: true)
            let unpacked = root.appendingPathComponent("unpacked", isDirectory: true)
            for folder in [elsewhere, unpacked] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
            let environment = ProgramRun.environment(home: root, ["FIXLOOP_HOME": root.appendingPathComponent("state").path])

            let packaged = try await ProgramRun.run(
                ProgramRun.checkout.appendingPathComponent("scripts/package"),
                ["--bin-path", products.path, "--out", root.appendingPathComponent("dist").path, "--version", "9.8.7-test"],
                in: elsewhere, environment: environment)
            #expect(packaged.status == 0, "\(packaged.transcript)")
            let tarball = try #require(packaged.output.split(separator: "\n").last.map(String.init))
            #expect(tarball.hasSuffix("/fixloop-9.8.7-test-linux-x86_64.tar.gz"))
            let untar = try await ProgramRun.run(URL(fileURLWithPath: "/usr/bin/tar"), ["-xzf", tarball, "-C", unpacked.path], in: elsewhere, environment: environment)
            #expect(untar.status == 0, "\(untar.transcript)")
            let top = unpacked.appendingPathComponent("fixloop-9.8.7-test-linux-x86_64")
            let fixloop = top.appendingPathComponent("bin/fixloop")

            let version = try await ProgramRun.run(fixloop, ["--version"], in: elsewhere, environment: environment)
            #expect(version.status == 0, "\(version.transcript)")
            #expect(version.output.hasPrefix("fixloop 9.8.7-test (commit "), "\(version.output)")
            #expect(version.output.contains("resources: \(top.appendingPathComponent("share/fixloop").path)"), "\(version.output)")

            let demo = try await ProgramRun.run(fixloop, ["demo", "--work", root.appendingPathComponent("demo").path], in: elsewhere, environment: environment)
            #expect(demo.status == 0, "\(demo.transcript)")
            #expect(demo.output.contains("== summary") && demo.output.contains("fix        "), "\(demo.transcript)")

            let verify = try await ProgramRun.run(fixloop, [
                "verify", "--workspace", Self.fixture.appendingPathComponent("project").path,
                "--test-patch", Self.fixture.appendingPathComponent("test.patch").path,
                "--patch", Self.fixture.appendingPathComponent("gold.patch").path,
                "--test", "python3 -m pytest -rA -p no:cacheprovider tests", "--json",
            ], in: elsewhere, environment: environment)
            #expect(verify.status == 0, "\(verify.transcript)")
        }
    }
}
