import Foundation
import Testing

@testable import FixloopIngest
@testable import FixloopScorer

@Suite struct TimelineTests {
    static let context = ProductContext(
        markdown: try! String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../examples/product-context.md").standardized,
            encoding: .utf8))

    static func sessions(_ fixture: String) throws -> [AnalyticsSession] {
        var sink = CollectingEventSink()
        _ = try AnalyticsImporter().importFiles([FixtureFiles.url(fixture)], into: &sink)
        return Sessionizer().sessions(from: sink.events)
    }

    static func renderedFixtures() throws -> String {
        let builder = TimelineBuilder(milestones: context.milestones)
        var text = ""
        for fixture in ["posthog-events.jsonl", "posthog-events.json", "posthog-rich-session.jsonl",
                        "amplitude-export.zip", "segment-events.jsonl"] {
            for session in try sessions(fixture) {
                text += "# \(fixture)\n" + builder.timeline(for: session).render()
            }
        }
        return text
    }

    @Test func fixtureTimelinesMatchTheGoldenFile() throws {
        let rendered = try Self.renderedFixtures()
        if ProcessInfo.processInfo.environment["FIXLOOP_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: FixtureFiles.sourceGolden("timelines.txt"), atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: FixtureFiles.golden("timelines.txt"), encoding: .utf8)
        #expect(rendered == golden)
    }

    @Test func theRichSessionKeepsEveryErrorWithItsTopInAppFrame() throws {
        let session = try #require(try Self.sessions("posthog-rich-session.jsonl").first)
        let timeline = TimelineBuilder(milestones: Self.context.milestones).timeline(for: session)
        let errors = timeline.exceptions.map(\.summary)
        #expect(errors.count == 2)
        #expect(errors[0].type == "TypeError")
        #expect(errors[0].frame == "confirmOrder (/assets/checkout-3f9a.js:1)")
        #expect(errors[0].handled == false)
        #expect(errors[0].message.contains("<email>"))
        #expect(!timeline.render().contains("jane.doe"))
        #expect(errors[1] == ExceptionSummary(
            type: "NetworkError", message: "POST /api/orders failed with 500", route: "/checkout"))
        #expect(timeline.milestonesReached.map(\.name) == ["/checkout", "/orders/:id", "checkout_completed"])
        #expect(timeline.rageClickCount == 1)
        #expect(timeline.deadClickCount == 1)
        #expect(timeline.clickCount == 2)
        #expect(timeline.poorVitalCount == 1)
    }

    @Test func dwellComesFromTheNextPageOrPageLeaveThenFromTheNextEvent() throws {
        let session = try #require(try Self.sessions("posthog-rich-session.jsonl").first)
        let pages = TimelineBuilder().timeline(for: session).entries.compactMap { entry -> TimeInterval?? in
            if case .page(_, let dwell) = entry.kind { return dwell }
            return nil
        }
        #expect(pages == [38.2, 81.0, 31.0])
    }

    @Test(arguments: [
        ("https://app.example.com/users/123/edit?tab=1#x", "/users/:id/edit"),
        ("/projects/0190a1b0-0000-7abc-9def-111111111111", "/projects/:uuid"),
        ("/cart/8f14e45fceea167a5a36dedd4bea2543", "/cart/:hash"),
        ("/invite/aB3dE5fG7hJ9kL1mN3pQ5r", "/invite/:token"),
        ("/u/jane@example.com", "/u/:email"),
        ("https://example.com", "/"),
        ("/docs/getting-started/", "/docs/getting-started"),
    ])
    func pathsAreTemplated(url: String, template: String) {
        #expect(PathTemplate.template(url) == template)
    }

    @Test func elementsChainsAreParsedByAttributeName() {
        let chain = ElementsChain(
            #"button.btn.btn-primary:attr__class="btn btn-primary"attr__type="submit"nth-child="3"text="Say \"hi\"";form.payment-form:attr__id="payment";div.hover:bg-blue:nth-child="1""#)
        #expect(chain.elements.count == 3)
        #expect(chain.elements[0].tag == "button")
        #expect(chain.elements[0].classes == ["btn", "btn-primary"])
        #expect(chain.elements[0].attributes["attr__type"] == "submit")
        #expect(chain.elements[0].text == "Say \"hi\"")
        #expect(chain.elements[1].attributes["attr__id"] == "payment")
        #expect(chain.elements[2].classes == ["hover:bg-blue"])
        #expect(chain.label == "Say \"hi\"")
        #expect(ElementsChain(#"a:attr__aria-label="Close"nth-child="1""#).label == "Close")
        #expect(ElementsChain(#"svg.icon:nth-child="1";button:attr__id="menu""#).label == "svg.icon")
    }
}

@Suite struct LongTimelineTests {
    @Test func aLongSessionKeepsEveryErrorAndTheEndsOfTheRest() {
        var entries: [TimelineEntry] = []
        for index in 0..<1000 {
            let kind: TimelineEntry.Kind =
                index % 100 == 50
                ? .exception(ExceptionSummary(type: "E\(index)", message: "m", route: "/r"))
                : .page(route: "/p\(index)", dwell: 1)
            entries.append(TimelineEntry(offset: Double(index), kind: kind))
        }
        let timeline = SessionTimeline(
            sessionID: "s", source: .posthog, start: Date(timeIntervalSince1970: 0), duration: 999,
            eventCount: 1000, entries: entries)
        let lines = timeline.render(maximumEntries: 30).split(separator: "\n")
        let errors = lines.filter { $0.contains(" ERROR ") }
        #expect(errors.count == 10)
        #expect(lines.filter { $0.contains(" page ") }.count == 20)
        #expect(lines.contains("+0:00 page /p0 1s"))
        #expect(lines.contains("+16:39 page /p999 1s"))
        let omitted = lines.filter { $0.hasPrefix("… ") }
        #expect(omitted.count == 11)  // before the first error, between each two, after the last
        #expect(omitted.compactMap { Int($0.split(separator: " ")[1]) }.reduce(0, +) == 970)
        let byDefault = timeline.render().split(separator: "\n").filter { $0.hasPrefix("+") }
        #expect(byDefault.count == 300)
        #expect(timeline.render(maximumEntries: 2000).split(separator: "\n").count == 1002)
    }
}

@Suite struct TextMaskTests {
    @Test(arguments: [
        ("Invite sent to jane.doe@example.com!", 200, "Invite sent to <email>"),
        ("a\n  b\tc", 200, "a b c"),
        ("@mention and a@b", 200, "@mention and a@b"),
        ("abcdefghij", 5, "abcd…"),
    ])
    func masksEmailsAndCutsLength(text: String, limit: Int, expected: String) {
        #expect(TextMask.masked(text, limit: limit) == expected)
    }
}
