import FixloopExportGenerator
import Foundation
import Testing

@testable import FixloopIngest
@testable import FixloopScorer

/// The importer's fast path keeps properties as their bytes: it must accept, reject and map exactly what the
/// full parse does.
@Suite struct ShallowParsingTests {
    static let wanted = PostHogEventMapper.mappedProperties

    static func record(properties: String) -> ArraySlice<UInt8> {
        ArraySlice(#"{"event":"$pageview","distinct_id":"u1","properties":\#(properties),"timestamp":"2025-06-01T00:00:00Z"}"#.utf8)
    }

    @Test(arguments: [
        #"{"a":[1,]}"#, #"{"a":{"b":1,}}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":-}"#, "{\"a\":\"x\ny\"}", #"{"a":"abc}"#,
        #"{"a":tru}"#, #"{"a":"\x"}"#, #"{"a":"\ud800\u0041"}"#, #"{a:1}"#, #"{"a" 1}"#, #"{"a":1"#, #"{"a":1e}"#,
        "{\"a\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}",
    ])
    func rejectsWhatTheFullParserRejects(properties: String) {
        let bytes = Self.record(properties: properties)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
        #expect(throws: JSONParser.Failure.self) {
            try JSONParser.parseShallow(bytes, keepingRaw: "properties", decoding: Self.wanted)
        }
    }

    @Test(arguments: [
        #"{}"#, #"{"$session_id":"s1","$time":1.5,"x":[1,{"y":"\u00e9\"q"}],"$insert_id":7}"#,
        #"{ "$session_id" : "s1" , "n" : -0.25e+2 }"#, #"{"$session\u005fid":"escaped","$session_id":"last wins"}"#,
    ])
    func keepsThePropertiesBytesAndDecodesTheNamedOnes(properties: String) throws {
        let bytes = Self.record(properties: properties)
        let full = try #require(try JSONParser.parse(bytes).objectValue)
        let shallow = try #require(try JSONParser.parseShallow(bytes, keepingRaw: "properties", decoding: Self.wanted))
        let raw = try #require(shallow.raw)
        #expect(try JSONParser.parse(raw) == full["properties"])
        let expected = (full["properties"]?.objectValue ?? [:]).filter { key, _ in Self.wanted.names.contains(key) }
        #expect(shallow.selected == expected)
        var rest = full
        rest["properties"] = nil
        #expect(Dictionary(shallow.members.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }) == rest)
    }

    @Test func aLaterPlainValueReplacesAnEarlierObject() throws {
        let bytes = ArraySlice(#"{"properties":{"$session_id":"s"},"properties":"{}"}"#.utf8)
        let shallow = try #require(try JSONParser.parseShallow(bytes, keepingRaw: "properties", decoding: Self.wanted))
        #expect(shallow.raw == nil && shallow.selected.isEmpty && shallow.member("properties") == "{}")
    }

    @Test func theFastPathMapsGeneratedEventsAsTheFullPathDoes() throws {
        var options = PostHogExportGenerator.Options()
        options.sessions = 8
        options.sessionlessRate = 0.3
        let (lines, _) = GeneratorTests.generate(options)
        for line in lines {
            let bytes = ArraySlice(line.utf8)
            let object = try #require(try JSONParser.parse(bytes).objectValue)
            guard case .event(let full) = PostHogEventMapper.map(object, rawHash: { 0 }),
                case .event(let fast) = try #require(PostHogEventMapper.map(json: bytes, rawHash: { 0 }))
            else {
                Issue.record("a generated line did not map to an event")
                return
            }
            #expect(fast == full)
            #expect(fast.properties == full.properties && fast.sessionID == full.sessionID)
        }
    }

    @Test func theFastPathLeavesRewrittenPropertiesToTheFullPath() {
        let inner = ArraySlice(#"{"event":"$autocapture","distinct_id":"u","timestamp":"2025-06-01T00:00:00Z","properties":{"$elements_chain":"a:text=\"Go\""}}"#.utf8)
        let string = ArraySlice(#"{"event":"e","distinct_id":"u","timestamp":"2025-06-01T00:00:00Z","properties":"{\"a\":1}"}"#.utf8)
        #expect(PostHogEventMapper.map(json: inner, rawHash: { 0 }) == nil)
        #expect(PostHogEventMapper.map(json: string, rawHash: { 0 }) == nil)
    }
}
