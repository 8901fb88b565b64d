@testable import FixloopEngineer
import FixloopCore
import FixloopTesting
import Foundation
import Testing

struct TrajectoryTests {
    @Test func secretsAreRedactedInMemoryAndOnDisk() async throws {
        try await withTemporaryDirectory { root in
            let file = root.appendingPathComponent("run/trajectory.jsonl")
            let trajectory = Trajectory(file: file, secrets: [Secret("ghp_supersecret123"), Secret("sk-live-abcdef")])
            await trajectory.record(.deliver, "push", "pushed with ghp_supersecret123 and key sk-live-abcdef to origin")
            let events = try Trajectory.read(file)
            #expect(events.count == 1)
            #expect(events[0].detail == "pushed with <redacted> and key <redacted> to origin")
            let raw = try String(contentsOf: file, encoding: .utf8)
            #expect(!raw.contains("ghp_supersecret123") && !raw.contains("sk-live-abcdef"))
            #expect(await trajectory.events.map(\.detail) == ["pushed with <redacted> and key <redacted> to origin"])
        }
    }

    @Test func stepsAreWrittenAsTheirNamesAndReadBackTyped() async throws {
        try await withTemporaryDirectory { root in
            let file = root.appendingPathComponent("trajectory.jsonl")
            let trajectory = Trajectory(file: file)
            await trajectory.record(.triage, "bug", "a bug")
            await trajectory.record(.candidate(2), "tests", "3 passed")
            let raw = try String(contentsOf: file, encoding: .utf8)
            #expect(raw.contains(#""step":"triage""#) && raw.contains(#""step":"candidate-2""#))
            #expect(try Trajectory.read(file).map(\.step) == [.triage, .candidate(2)])
        }
    }

    @Test(arguments: ["candidate-0", "candidate-x", "deploy", ""])
    func aStepNoRunWritesIsNotRead(text: String) {
        #expect(FixStep(text) == nil)
    }
}
