import FixloopEngineer
import FixloopSandbox
import Foundation

/// The `.fixloop.toml` that `fixloop init --repo PATH` guesses from a repository's files: the set-up and test
/// commands ``TestCommandDetector`` finds (the same guess `fix` makes without the file), and for Node projects what
/// `package.json` says (its test script; the Jest or Vitest reporter flags that write a machine-readable report).
enum RepositoryTemplate {
    /// The file for the repository at `directory`.
    static func render(for directory: URL) -> String {
        var text = TemplateText()
        text.comment(".fixloop.toml: how Fixloop sets up and tests this repository, written by `fixloop init --repo`.",
                     "Flags (--test, --setup) win over this file, which wins over what Fixloop detects. Check the commands, then commit it.")
        let detected = TestCommandDetector.detect(in: directory)
        if let detected {
            text.comment("Guessed from \(detected.reason).")
        } else {
            text.comment("No test command was recognized (pytest, swift test, go test, cargo test, npm test): set `test` below.")
        }
        text.comments(packageNotes(in: directory))
        text.blank()
        text.key("setup", detected?.setup.map(TemplateText.string), example: TemplateText.string("make deps"),
                 "Installs dependencies, with the network (the setup sandbox policy).")
        text.key("test", detected.map { TemplateText.string($0.test) }, example: TemplateText.string("make test"),
                 "Runs the tests, never with the network (the test sandbox policy).")
        text.key("protected_paths", TemplateText.strings([]),
                 "Globs a fix may not touch, on top of Fixloop's own (CI files, lock files, …); e.g. [\"migrations/**\"].")
        text.key("max_changed_lines", "\(RepositorySettings.operatorMaxChangedLines)",
                 "The most lines (added plus removed) a fix may change; a repository can only lower the operator's limit.")
        return text.text
    }

    /// Comment lines about `package.json`: its test script, and the reporter flags of Jest and Vitest when either is a
    /// dependency. Empty when there is no readable `package.json`.
    static func packageNotes(in directory: URL) -> [String] {
        guard let data = try? CheckoutFile.read("package.json", in: directory, maxBytes: 1 << 20),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        var notes: [String] = []
        if let script = (object["scripts"] as? [String: Any])?["test"] as? String {
            notes.append("package.json's test script: \(script)")
        } else {
            notes.append("package.json has no scripts.test, so `npm test` is not guessed; add one or set `test` below.")
        }
        let dependencies = ["dependencies", "devDependencies"].compactMap { object[$0] as? [String: Any] }.flatMap(\.keys)
        if dependencies.contains("jest") {
            notes.append("Jest: `npm test -- --json --outputFile=jest-report.json` writes its JSON report; "
                + "`--reporters=default --reporters=jest-junit` writes JUnit XML (junit.xml).")
        }
        if dependencies.contains("vitest") {
            notes.append("Vitest: `npm test -- --reporter=json --outputFile=vitest-report.json` writes its JSON report; "
                + "`--reporter=junit --outputFile=junit.xml` writes JUnit XML.")
        }
        return notes
    }
}
