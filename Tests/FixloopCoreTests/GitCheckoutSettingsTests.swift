import FixloopConfig
import FixloopCore
import Testing

struct GitCheckoutSettingsTests {
    @Test func readsTheCheckoutLimitsWithDefaults() throws {
        #expect(GitSettings().maxCheckoutFiles == 200_000)
        #expect(GitSettings().maxCheckoutMB == 2048)
        let configuration = try FixloopConfiguration(toml: "[git]\nmax_checkout_files = 500000\nmax_checkout_mb = 8192", file: "f")
        #expect(configuration.git.maxCheckoutFiles == 500_000)
        #expect(configuration.git.maxCheckoutMB == 8192)
    }

    @Test(arguments: ["max_checkout_files = 0", "max_checkout_mb = 0", "max_checkout_mb = \"big\""])
    func refusesCheckoutLimitsOutOfRange(line: String) {
        #expect(throws: ConfigurationError.self) {
            try FixloopConfiguration(toml: "[git]\n\(line)", file: "f")
        }
    }
}
