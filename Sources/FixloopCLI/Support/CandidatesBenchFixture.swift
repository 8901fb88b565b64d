import FixloopCore
import FixloopGit
import FixloopTesting
import Foundation

/// What `bench candidates` works on: a small Python shop with a planted bug (its test fails), committed with
/// libgit2, and the scripted model each candidate talks to over loopback.
enum CandidatesBenchFixture {
    static let reproduction: Set<String> = ["tests/test_cart.py::test_total_of_two"]

    static let files = [
        "shop/__init__.py": "",
        "shop/cart.py": "def total(prices):\n    result = 0\n    for price in prices:\n        result -= price\n    return result\n\n\ndef count(prices):\n    return len(prices)\n",
        "shop/discount.py": "def percent_off(price, percent):\n    return price - price * percent // 100\n",
        "shop/tax.py": "def with_tax(price, rate=20):\n    return price + price * rate // 100\n",
        "tests/__init__.py": "",
        "tests/test_cart.py": "from shop.cart import count, total\n\n\ndef test_total_of_two():\n    assert total([100, 250]) == 350\n\n\ndef test_count():\n    assert count([1, 2]) == 2\n",
        "tests/test_discount.py": "from shop.discount import percent_off\n\n\ndef test_ten_percent():\n    assert percent_off(200, 10) == 180\n",
        "tests/test_tax.py": "from shop.tax import with_tax\n\n\ndef test_default_rate():\n    assert with_tax(100) == 120\n",
    ]

    static let testCommand = "python3 -m pytest -rA -p no:cacheprovider"

    /// Writes the files at `directory` and commits them. - Returns: the commit id.
    static func makeRepository(at directory: URL) async throws -> String {
        let git = try await GitWorkingCopy.initialize(at: directory)
        for (path, content) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
        return try await git.commitAll(message: "shop", author: GitSignature(name: "Fixloop bench", email: "bench@fixloop.invalid"))
    }

    /// Each candidate's conversation, answered by its length so candidates at once each get their next step: read
    /// the file, fix it, submit. Input tokens grow with the conversation the way an edit loop's do.
    static func reply(to request: ReceivedModelRequest) -> ModelServerStep {
        let results = request.body["messages"]?.arrayValue?.filter { $0["role"]?.stringValue == "tool" }.count ?? 0
        let (input, output) = (4_000 + 1_500 * results, 250)
        switch results {
        case 0:
            return .toolCalls([call("read", "read_file", ["path": "shop/cart.py"])], inputTokens: input, outputTokens: output)
        case 1:
            let fix = call("fix", "replace", ["path": "shop/cart.py", "search": "        result -= price", "replace": "        result += price"])
            return .toolCalls([fix], inputTokens: input, outputTokens: output)
        default:
            let submit = call("submit", "submit", ["root_cause": "total subtracted each price.", "summary": "Add the prices."])
            return .toolCalls([submit], inputTokens: input, outputTokens: output)
        }
    }

    private static func call(_ id: String, _ name: String, _ arguments: [String: String]) -> ScriptedToolCall {
        ScriptedToolCall(id: "call-\(id)", name: name, arguments: .object(arguments.mapValues { .string($0) }))
    }
}
