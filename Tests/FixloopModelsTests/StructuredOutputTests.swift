import FixloopCore
import FixloopModels
import FixloopTesting
import Foundation
import Testing

/// JSON matching a schema, with one repair request.
@Suite struct StructuredOutputTests {
    static let scoreSchema: JSONValue = [
        "type": "object",
        "properties": [
            "nps": ["type": "integer", "minimum": 0, "maximum": 10],
            "blurb": ["type": "string", "minLength": 1],
            "kind": ["enum": ["bug", "flow", "feature"]],
        ],
        "required": ["nps", "blurb", "kind"],
        "additionalProperties": false,
    ]

    @Test(arguments: bothProtocols)
    func aViolationGetsOneRepairRequestNamingIt(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackModelServer(wire) { server in
            await server.enqueue(
                .text(#"{"nps": 11, "blurb": "checkout failed", "kind": "bug"}"#),
                .text("```json\n{\"nps\": 3, \"blurb\": \"checkout failed\", \"kind\": \"bug\"}\n```"))
            let outcome = try await client(for: server, retry: instantRetry(SleepLog()))
                .requestJSON([.user("Grade this session.")], schema: Self.scoreSchema, name: "score")
            guard case .value(let value, let replies) = outcome else {
                Issue.record("expected a value, got \(outcome)")
                return
            }
            #expect(value["nps"] == 3)
            #expect(replies.count == 2)
            let requests = await server.received()
            #expect(requests.count == 2)
            let repair = requests[1].body["messages"]?.arrayValue?.last
            let repairText = repair?["content"]?.stringValue ?? repair?["content"]?[0]?["text"]?.stringValue ?? ""
            #expect(repairText.contains("$.nps is 11 but the maximum is 10"))
            if wire == .openAI {
                #expect(requests[0].body["response_format"]?["type"] == "json_schema")
                #expect(requests[0].body["response_format"]?["json_schema"]?["name"] == "score")
            }
        }
    }

    @Test func aSecondFailureIsAnOutcomeNotAnError() async throws {
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.text("I think it went well."), .text(#"{"nps": 5, "kind": "bug"}"#))
            let outcome = try await client(for: server, retry: instantRetry(SleepLog()))
                .requestJSON([.user("Grade this session.")], schema: Self.scoreSchema)
            guard case .invalid(let violation, let lastText, let replies) = outcome else {
                Issue.record("expected invalid, got \(outcome)")
                return
            }
            #expect(violation == "$ is missing the required property 'blurb'")
            #expect(lastText.contains("\"nps\": 5"))
            #expect(replies.count == 2)
            let first = await server.received()[1].body["messages"]?.arrayValue?.last?["content"]?.stringValue ?? ""
            #expect(first.contains("not valid JSON"))
        }
    }

    @Test(arguments: [
        (["nps": 3, "blurb": "x", "kind": "bug"] as JSONValue, nil),
        (["nps": "3", "blurb": "x", "kind": "bug"], "$.nps is a string but must be an integer"),
        (["nps": 3.5, "blurb": "x", "kind": "bug"], "$.nps is a number but must be an integer"),
        (["nps": -1, "blurb": "x", "kind": "bug"], "$.nps is -1 but the minimum is 0"),
        (["nps": 3, "blurb": "", "kind": "bug"], "$.blurb is shorter than 1 characters"),
        (["nps": 3, "blurb": "x", "kind": "idea"], #"$.kind is "idea" but must be one of ["bug","flow","feature"]"#),
        (["nps": 3, "blurb": "x", "kind": "bug", "extra": true], "$ has the property 'extra', which the schema does not allow"),
        ([1, 2], "$ is an array but must be an object"),
    ] as [(JSONValue, String?)])
    func validatorNamesTheFirstViolation(value: JSONValue, expected: String?) {
        #expect(JSONSchemaValidator(schema: Self.scoreSchema).firstViolation(in: value) == expected)
    }

    @Test func validatorChecksItemsAndCounts() {
        let schema: JSONValue = ["type": "array", "items": ["type": "string"], "minItems": 1, "maxItems": 2]
        let validator = JSONSchemaValidator(schema: schema)
        #expect(validator.firstViolation(in: ["a"]) == nil)
        #expect(validator.firstViolation(in: []) == "$ has 0 items but needs at least 1")
        #expect(validator.firstViolation(in: ["a", "b", "c"]) == "$ has 3 items but allows at most 2")
        #expect(validator.firstViolation(in: ["a", 2]) == "$[1] is an integer but must be a string")
    }
}
