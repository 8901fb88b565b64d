import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// Processes started together on a new state directory each open (and migrate) the store at once.
struct StoreOpenRaceTests {
    @Test func severalConnectionsOpeningANewStoreAtOnceAllSucceed() async throws {
        try await withTemporaryDirectory("fixloop-open-race") { root in
            for round in 0..<5 {
                let url = root.appendingPathComponent("fixloop-\(round).sqlite")
                let failures = await withTaskGroup(of: String?.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            do {
                                _ = try FixloopDatabase(url: url)
                                return nil
                            } catch {
                                return "\(error)"
                            }
                        }
                    }
                    return await group.reduce(into: [String]()) { if let failure = $1 { $0.append(failure) } }
                }
                #expect(failures.isEmpty, "round \(round): \(failures)")
            }
        }
    }
}
