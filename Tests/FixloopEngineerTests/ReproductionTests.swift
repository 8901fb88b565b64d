@testable import FixloopEngineer
import FixloopCore
import FixloopTesting
import Foundation
import Testing

/// Finding the test that shows the bug, on a real checkout with the real sandbox.
@Suite(.serialized)
struct ReproductionTests {
    typealias Scene = EngineerScene
    static let ticket = Ticket(reference: "local:1", title: "Cart total is negative", body: "Two items show a negative total.")
    static let newTest = "tests/test_fixloop_reproduction.py"

    func reproduction(_ scene: Scene, _ model: any ModelClient) -> Reproduction {
        Reproduction(model: model, prompts: scene.prompts, tests: scene.tests, trajectory: scene.trajectory)
    }

    static func writeTest(_ body: String) -> ScriptedModelClient.Step {
        .text("\(newTest)\n<<<<<<< SEARCH\n=======\nfrom shop.cart import total\n\n\ndef test_total_adds():\n    \(body)\n>>>>>>> REPLACE\n")
    }

    @Test func aFailingTestTheTicketNamesIsUsedWithoutAskingTheModel() async throws {
        try await Scene.with { scene in
            let ticket = Ticket(reference: "local:1", title: "Cart total is negative", body: "`test_total_of_two` fails.")
            let model = ScriptedModelClient(steps: [])
            let found = try await reproduction(scene, model).find(ticket: ticket, baseline: try await scene.baseline(), workspace: scene.workspace)
            #expect(found.tests == [Scene.failingTest] && !found.written)
            #expect(await model.calls == 0)
        }
    }

    @Test func aTestTheModelWritesIsUsedWhenItFails() async throws {
        try await Scene.with(files: Scene.filesWithoutReproduction) { scene in
            let model = ScriptedModelClient(steps: [Self.writeTest("assert total([100, 250]) == 350")])
            let found = try await reproduction(scene, model).find(ticket: Self.ticket, baseline: try await scene.baseline(), workspace: scene.workspace)
            #expect(found.tests == ["\(Self.newTest)::test_total_adds"] && found.written)
            #expect(FileManager.default.fileExists(atPath: scene.workspace.appendingPathComponent(Self.newTest).path))
        }
    }

    @Test func aWrittenTestThatDoesNotFailIsRefusedAndRemoved() async throws {
        try await Scene.with(files: Scene.filesWithoutReproduction) { scene in
            let model = ScriptedModelClient(steps: [Self.writeTest("assert total([]) == 0"), Self.writeTest("assert total([5]) == -5")])
            let found = try await reproduction(scene, model).find(ticket: Self.ticket, baseline: try await scene.baseline(), workspace: scene.workspace)
            #expect(found.tests.isEmpty && !found.written)
            #expect(!FileManager.default.fileExists(atPath: scene.workspace.appendingPathComponent(Self.newTest).path))
            #expect(await model.told(before: 1).contains("The test did not fail (2 passed)"))
        }
    }

    @Test func aReplyWithoutATestFileIsAskedAgain() async throws {
        try await Scene.with(files: Scene.filesWithoutReproduction) { scene in
            let model = ScriptedModelClient(steps: [.text("I would add a test."), Self.writeTest("assert total([100, 250]) == 350")])
            let found = try await reproduction(scene, model).find(ticket: Self.ticket, baseline: try await scene.baseline(), workspace: scene.workspace)
            #expect(found.written && found.tests.count == 1)
            #expect(await model.told(before: 1).contains("No test file was written"))
        }
    }
}
