@testable import FixloopCLI
import FixloopCore
import Testing

/// The estimate `score` asks to confirm before the first paid model call: at the batch price when the sessions go
/// out as a batch, so `score --batch` does not overstate what it will cost by half.
struct GradingEstimateTests {
    let work = ModelGradingWork(sessions: 1000, promptCharacters: 4_000_000)
    let price = ModelPrice(inputPerMillion: 2, outputPerMillion: 8, batchInputPerMillion: 1, batchOutputPerMillion: 4)

    @Test func aBatchIsEstimatedAtTheBatchPrice() throws {
        let model = try ModelSpec(parsing: "openai:gpt-4.1")
        let direct = GradingEstimate(work: work, model: model, price: price)
        let batched = GradingEstimate(work: work, model: model, price: price, batch: true)
        let directCost = try #require(direct.costUSD)
        let batchCost = try #require(batched.costUSD)
        // 1,001,000 input tokens and 300,000 output tokens: $2.002 + $2.40 directly, half of it in a batch.
        #expect(abs(directCost - 4.402) < 0.0001, "\(directCost)")
        #expect(abs(batchCost - 2.201) < 0.0001, "\(batchCost)")
        #expect(batched.text.contains("batch price") && !direct.text.contains("batch"), "\(batched.text) / \(direct.text)")
    }
}
