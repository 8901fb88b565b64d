import FixloopCore
import FixloopExportGenerator
import Foundation
import Testing

@testable import FixloopIngest
@testable import FixloopScorer

@Suite struct JSONParserTests {
    @Test(arguments: [
        (#"{"a":[1,-2.5,3e2,true,false,null],"b":{}}"#,
         JSONValue.object(["a": .array([1, .number(-2.5), .number(300), true, false, .null]), "b": .object([:])])),
        (#" "tab\tquote\"slash\/u\u00e9 pair\ud83d\ude00" "#, JSONValue.string("tab\tquote\"slash/ué pair😀")),
        ("0", JSONValue.integer(0)),
        ("-42", JSONValue.integer(-42)),
        ("1.0", JSONValue.number(1)),
        ("-0.0", JSONValue.number(-0.0)),
        ("12345678901234567890", JSONValue.number(12345678901234567890)),
        ("[]", JSONValue.array([])),
        ("\"héllo\"", JSONValue.string("héllo")),
    ])
    func parsesValidJSON(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(Array(text.utf8)) == expected)
    }

    @Test(arguments: [
        "[1,]", "{\"a\":1,}", "01", "1.", "-", "\"a\nb\"", "\"abc", "[1] 2", "{a:1}", "tru", "\"\\x\"", "",
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func aRepeatedMemberNameKeepsTheLastValue() throws {
        #expect(try JSONParser.parse(Array(#"{"a":1,"b":2,"a":3}"#.utf8)) == .object(["a": 3, "b": 2]))
    }

    @Test func agreesWithFoundationOnGeneratedEvents() throws {
        var options = PostHogExportGenerator.Options()
        options.sessions = 5
        let (lines, _) = GeneratorTests.generate(options)
        #expect(!lines.isEmpty)
        for line in lines {
            let ours = try JSONParser.parse(Array(line.utf8))
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            #expect(ours == foundation)
            #expect(ours.canonicalJSON() == line)
        }
    }

    @Test func compactBytesParseBackToTheSameValue() throws {
        let value = JSONValue.object([
            "path": "/checkout", "quote\"d": "line\nbreak\tand \\ slash", "n": 3, "x": .number(-0.25),
            "big": .number(1e20), "flags": .array([true, false, .null]), "nested": .object(["é": "ünïcode ✓"]),
        ])
        #expect(try JSONParser.parse(value.compactBytes()) == value)
    }
}
