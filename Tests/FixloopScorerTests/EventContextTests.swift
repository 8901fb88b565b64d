import FixloopCore
import FixloopExportGenerator
import Foundation
import Testing

@testable import FixloopIngest
@testable import FixloopScorer

/// The fast path cuts an event's properties into its own and the session context PostHog repeats on every event;
/// read back, they must be exactly the properties the record had.
@Suite struct EventContextTests {
    static func record(_ properties: String) -> ArraySlice<UInt8> {
        ArraySlice(#"{"uuid":"e1","event":"$pageview","distinct_id":"u1","properties":\#(properties),"timestamp":"2025-06-01T00:00:00Z"}"#.utf8)
    }

    static func mapped(_ properties: String) throws -> AnalyticsEvent {
        guard case .event(let event) = try #require(PostHogEventMapper.map(json: record(properties), rawHash: { 0 })) else {
            Issue.record("not mapped to an event")
            throw CancellationError()
        }
        return event
    }

    static func names(_ bytes: [UInt8]?) throws -> Set<String> {
        let bytes = try #require(bytes)
        let object = try #require(try JSONParser.parse(bytes).objectValue)
        return Set(object.keys)
    }

    @Test func contextPropertiesGoToTheContextAndTheRestStayWithTheEvent() throws {
        let properties = #"""
            {"$os":"iOS","$current_url":"https://shop.example/cart","$session_id":"s1","$browser":"Safari",
             "$session_entry_url":"https://shop.example/","$geoip_city_name":"Berlin","$feature/new-checkout":true,
             "$initial_referrer":"$direct","plan":"pro","$pathname":"/cart","token":"phc_x","$el_text":"Pay \"now\"",
             "$session_entry":"not a prefix match","$lib_rate_limit_remaining_tokens":99,"n":[1,{"$os":"nested"}]}
            """#
        let event = try Self.mapped(properties)
        let parts = event.propertyParts
        #expect(try Self.names(parts.context) == [
            "$os", "$session_id", "$browser", "$session_entry_url", "$geoip_city_name", "$feature/new-checkout",
            "$initial_referrer", "token",
        ])
        #expect(try Self.names(parts.own) == [
            "$current_url", "plan", "$pathname", "$el_text", "$session_entry", "$lib_rate_limit_remaining_tokens", "n",
        ])
        // Read, the two halves are the record's properties, and the mapper still found the session.
        #expect(JSONValue.object(event.properties) == (try JSONParser.parse(Array(properties.utf8))))
        #expect(event.sessionID == "s1")
    }

    @Test(arguments: [
        // No context property: nothing to cut.
        #"{"$current_url":"https://shop.example/","plan":"pro"}"#,
        // A name written with an escape is not classified, so the object is kept whole.
        #"{"$os":"iOS","$current\u005furl":"https://shop.example/"}"#,
    ])
    func anObjectWithNothingToCutOrAnEscapedNameIsKeptWhole(properties: String) throws {
        let event = try Self.mapped(properties)
        #expect(event.propertyParts.context == nil)
        #expect(event.propertyParts.own == Array(properties.utf8))
    }

    @Test func onlyContextPropertiesLeaveTheEventAnEmptyObject() throws {
        let event = try Self.mapped(#"{"$os":"iOS","$browser":"Safari"}"#)
        #expect(event.propertyParts.own == Array("{}".utf8))
        #expect(event.properties == ["$os": .string("iOS"), "$browser": .string("Safari")])
    }

    @Test func aSessionsEventsShareOneCopyOfTheirContext() throws {
        var options = PostHogExportGenerator.Options()
        options.sessions = 6
        options.duplicateRate = 0
        options.sessionlessRate = 0.2
        var lines: [String] = []
        let manifest = PostHogExportGenerator(options: options).generate { lines.append($0) }
        var sink = CollectingEventSink()
        _ = try AnalyticsImporter(format: .posthog).importStream(
            MemoryByteSource(Array(lines.joined(separator: "\n").utf8)), name: "export.jsonl", into: &sink)
        let bySession = Dictionary(grouping: sink.events.filter { $0.sessionID != nil }) { $0.sessionID! }
        #expect(bySession.count == manifest.filter { !$0.withoutSessionID }.count)
        for (_, events) in bySession {
            let buffers = Set(events.compactMap { $0.propertyParts.context?.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) } })
            #expect(buffers.count == 1, "one shared copy of the session's context")
        }
        // Every event reads back as the line it came from.
        for (line, event) in zip(lines, sink.events) {
            let original = try #require(try JSONParser.parse(Array(line.utf8)).objectValue)
            #expect(JSONValue.object(event.properties) == original["properties"])
        }
    }

    @Test func theWideHashIsFixedAndSpreadsNearbyInputs() {
        #expect(StableHash.wide("") == StableHash.wide(""))
        #expect(StableHash.wide("019728cb-db83-7718-8f2c-0e5c3c13df0a") != StableHash.wide("019728cb-db83-7718-8f2c-0e5c3c13df0b"))
        // Every length up to a few lanes gives a different hash for inputs that differ in one byte.
        for length in 1...80 {
            let a = [UInt8](repeating: 0x61, count: length)
            var b = a
            b[length - 1] = 0x62
            #expect(StableHash.wide(a) != StableHash.wide(b), "length \(length)")
        }
    }
}
