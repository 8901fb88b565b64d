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
    /// Parses one document.
    /// - Returns: the outcomes, or nil when the text is not JUnit XML with at least one `testcase`.
    public static func parse(_ xml: String) -> TestResults? {
        let delegate = Delegate()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        parser.shouldResolveExternalEntities = false
        _ = parser.parse()
        if let open = delegate.current { delegate.finish(open) }
        guard delegate.sawTestCase else { return nil }
        return delegate.results
    }

    static func testID(className: String, name: String) -> String {
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

        func parser(
            _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch element {
            case "testcase":
                sawTestCase = true
                current = OpenCase(id: JUnitXMLParser.testID(
                    className: attributes["classname"] ?? attributes["class"] ?? "", name: attributes["name"] ?? ""))
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
            results.record(open.id, open.outcome)
        }

        private func worsen(to outcome: TestOutcome) {
            guard let existing = current?.outcome else { return }
            if outcome.severity > existing.severity || existing == .skipped { current?.outcome = outcome }
        }
    }
}
