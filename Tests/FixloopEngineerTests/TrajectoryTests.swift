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
            await trajectory.record("deliver", "push", "pushed with ghp_supersecret123 and key sk-live-abcdef to origin")
            let events = try Trajectory.read(file)
            #expect(events.count == 1)
            #expect(events[0].detail == "pushed with <redacted> and key <redacted> to origin")
            let raw = try String(contentsOf: file, encoding: .utf8)
            #expect(!raw.contains("ghp_supersecret123") && !raw.contains("sk-live-abcdef"))
            #expect(await trajectory.events.map(\.detail) == ["pushed with <redacted> and key <redacted> to origin"])
        }
    }
}
