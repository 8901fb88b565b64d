import FixloopCore
import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads per-test outcomes from JUnit XML as pytest `--junitxml`, `swift test --xunit-output`, gotestsum,
/// cargo nextest and jest-junit write it.
///
/// A test's id is `classname::name`, or `name` alone when the class name is empty or repeats the name; match
/// ids across spellings with ``TestResults/outcome(of:)``.
public enum JUnitXMLParser {
    /// One document's outcomes and the ids it reported more than once.
    public struct Report: Sendable, Equatable {
        /// The outcomes (a repeated id keeps its worst outcome).
        public var results: TestResults
        /// Ids with more than one `testcase`, sorted.
        public var duplicates: [String]
        /// Whether the document parsed to its end.
        public var complete: Bool
    }

    /// Parses one document.
    /// - Returns: the outcomes, or nil when the text is not JUnit XML with at least one `testcase`.
    public static func parse(_ xml: String) -> TestResults? {
        report(xml)?.results
    }

    /// Parses one document, keeping what the evidence checks need.
    /// - Returns: the report, or nil when the text is not JUnit XML with at least one `testcase`.
    public static func report(_ xml: String) -> Report? {
        let delegate = Delegate()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        parser.shouldResolveExternalEntities = false
        let complete = parser.parse()
        if let open = delegate.current { delegate.finish(open) }
        guard delegate.sawTestCase else { return nil }
        let duplicates = delegate.seen.filter { $0.value > 1 }.keys.sorted()
        return Report(results: delegate.results, duplicates: duplicates, complete: complete)
    }

    /// The id of a test case: pytest's own spelling (`tests/test_x.py::Class::test_a`) when the case names its
    /// `file` (pytest's xunit1 family), else `classname::name`, or `name` alone when the class name is empty or
    /// repeats the name.
    static func testID(className: String, name: String, file: String? = nil) -> String {
        if let file, file.hasSuffix(".py"), !file.hasPrefix("/") {
            let module = file.dropLast(3).replacingOccurrences(of: "/", with: ".")
            if className == module { return "\(file)::\(name)" }
            if className.hasPrefix(module + ".") {
                let classes = className.dropFirst(module.count + 1).replacingOccurrences(of: ".", with: "::")
                return "\(file)::\(classes)::\(name)"
            }
        }
        if className.isEmpty || className == name || name.hasPrefix(className + " ") { return name }
        return "\(className)::\(name)"
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        struct OpenCase {
            var id: String
            var outcome: TestOutcome = .passed
        }

        var results = TestResults(sources: ["junit"])
        var current: OpenCase?
        var sawTestCase = false
        var seen: [String: Int] = [:]

        func parser(
            _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch element {
            case "testcase":
                sawTestCase = true
                current = OpenCase(id: JUnitXMLParser.testID(
                    className: attributes["classname"] ?? attributes["class"] ?? "", name: attributes["name"] ?? "",
                    file: attributes["file"]))
            case "failure":
                worsen(to: .failed)
            case "error":
                worsen(to: .error)
            case "skipped":
                if current?.outcome == .passed { current?.outcome = .skipped }
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            if element == "testcase", let open = current {
                finish(open)
                current = nil
            }
        }

        func finish(_ open: OpenCase) {
            seen[open.id, default: 0] += 1
            results.record(open.id, open.outcome)
        }

        private func worsen(to outcome: TestOutcome) {
            guard let existing = current?.outcome else { return }
            if outcome.severity > existing.severity || existing == .skipped { current?.outcome = outcome }
        }
    }
}
