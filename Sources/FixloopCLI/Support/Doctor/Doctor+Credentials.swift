import FixloopConfig
import FixloopCore
import FixloopModels
import Foundation

/// A model the configuration names, and where it is named.
struct ConfiguredModel: Sendable, Equatable {
    let spec: ModelSpec
    /// `[models] default` or `[serve] model`.
    let source: String
}

extension Doctor {
    /// `[models] default`, then `[serve] model` when it names another model.
    static func configuredModels(_ configuration: FixloopConfiguration) -> [ConfiguredModel] {
        var models: [ConfiguredModel] = []
        for (text, source) in [(configuration.models.defaultModel, "[models] default"), (configuration.serve.model, "[serve] model")] {
            guard let text, let spec = try? ModelSpec(parsing: text), !models.contains(where: { $0.spec == spec }) else { continue }
            models.append(ConfiguredModel(spec: spec, source: source))
        }
        return models
    }

    /// The model's key is set (or its base URL points at a server that needs none): the check the model factory
    /// makes before a run's first call. A built-in default model without its key only warns when another
    /// provider's key is set (the README's commands name their model with --model); with no model key at all, or
    /// for `[serve] model`, it fails.
    static func modelKey(_ model: ConfiguredModel, facts: DoctorFacts) -> DoctorCheck {
        let name = "model_key"
        guard model.spec.provider != .replay else {
            return .skip(name, "\(model.spec) (\(model.source)) replays a recorded file and needs no key.")
        }
        do {
            let factory = ModelClientFactory(
                endpoints: try ModelWiring.endpoints(environment: facts.environment),
                settings: facts.configuration.models, limiter: nil)
            do {
                _ = try factory.client(for: model.spec)
            } catch let error as ModelError {
                let others = [ModelSpec.Provider.openai, .anthropic].filter { provider in
                    provider != model.spec.provider && (try? factory.client(for: ModelSpec(provider: provider, name: "probe"))) != nil
                }
                guard model.source == "[models] default", let other = others.first else {
                    return .fail(name, "\(model.spec) (\(model.source)) cannot be called: \(error.detail).")
                }
                return .warn(name, "\(model.spec) (\(model.source)) cannot be called (\(error.detail)), so commands without "
                    + "--model fail; pass --model \(other.rawValue):MODEL or set [models] default to an \(other.rawValue): model.")
            }
            return .ok(name, "\(model.spec) (\(model.source)) has its key or a base URL that needs none.")
        } catch let error as FixloopError {
            return .fail(name, error.message)
        } catch {
            return .fail(name, "\(model.spec) (\(model.source)) cannot be called (\(error)); check OPENAI_BASE_URL and ANTHROPIC_BASE_URL.")
        }
    }

    /// The model has a price (shipped list or `[prices]`); without one a money budget refuses it before any work.
    static func modelPrice(_ model: ConfiguredModel, facts: DoctorFacts) -> DoctorCheck {
        let name = "model_price"
        let configuration = facts.configuration
        guard model.spec.provider != .replay else {
            return .skip(name, "\(model.spec) (\(model.source)) replays a recorded file and costs nothing.")
        }
        let lines = PriceTable.configurationLines(for: model.spec.description).joined(separator: " ")
        guard let price = configuration.prices.price(for: model.spec) else {
            if configuration.budgets.hasMoneyBudget || configuration.serve.maxCostUSD != nil {
                return .fail(name, "\(model.spec) (\(model.source)) has no price, so the money budget in fixloop.toml refuses it "
                    + "before any work; add `\(lines)` to fixloop.toml with its list prices.")
            }
            return .warn(name, "\(model.spec) (\(model.source)) has no price, so its cost prints as unpriced and --max-cost "
                + "refuses it; add `\(lines)` to fixloop.toml with its list prices.")
        }
        if price.free { return .ok(name, "\(model.spec) (\(model.source)) is free ([prices] free = true).") }
        let key = configuration.prices.entries[model.spec.description] != nil ? model.spec.description : model.spec.name
        let origin = configuration.prices.configured.contains(key)
            ? "[prices] in fixloop.toml" : "the shipped list of \(configuration.prices.date ?? "unknown date")"
        return .ok(name, "\(model.spec) (\(model.source)) costs \(dollars(price.inputPerMillion)) in / \(dollars(price.outputPerMillion)) out "
            + "per million tokens (\(origin)).")
    }

    private static func dollars(_ value: Double) -> String { "$" + String(format: "%.2f", value) }

    /// A GitHub token, or a GitHub App whose private key is readable (the key itself is not read here).
    static func githubAuth(_ facts: DoctorFacts) -> DoctorCheck {
        let name = "github_auth"
        let secrets = EdgeSecrets(facts.environment)
        if let appID = facts.environment["GITHUB_APP_ID"], !appID.isEmpty {
            if secrets.appPrivateKey != nil {
                return .ok(name, "GitHub App \(appID) has its private key in GITHUB_APP_PRIVATE_KEY.")
            }
            guard let file = facts.environment["GITHUB_APP_PRIVATE_KEY_FILE"], !file.isEmpty else {
                return .fail(name, "GITHUB_APP_ID is set but no private key is; set GITHUB_APP_PRIVATE_KEY_FILE to the app's .pem file.")
            }
            guard FileManager.default.isReadableFile(atPath: file) else {
                return .fail(name, "The GitHub App private key file \(file) cannot be read by this user; fix "
                    + "GITHUB_APP_PRIVATE_KEY_FILE or the file's permissions.")
            }
            return .ok(name, "GitHub App \(appID) has a readable private key file (\(file)).")
        }
        if secrets.github != nil {
            return .ok(name, "A GitHub token is set (GITHUB_TOKEN or GH_TOKEN) for gh: tickets, pushes and pull requests.")
        }
        return .warn(name, "No GitHub access is set, so only local repositories and ticket files work; set GITHUB_TOKEN "
            + "(or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY_FILE for serve) to read gh: tickets and open pull requests.")
    }

    /// The webhook secret `serve` verifies deliveries with: only `serve` needs it, so without any `serve` set-up its
    /// absence is a skip, not a warning.
    static func webhookSecret(_ facts: DoctorFacts) -> DoctorCheck {
        let name = "webhook_secret"
        if EdgeSecrets(facts.environment).githubWebhook != nil {
            return .ok(name, "GITHUB_WEBHOOK_SECRET is set for serve.")
        }
        if let file = facts.configuration.serve.webhookSecretFile {
            guard FileManager.default.isReadableFile(atPath: file) else {
                return .fail(name, "[serve] webhook_secret_file \(file) cannot be read by this user; fix the path or the file's permissions.")
            }
            return .ok(name, "[serve] webhook_secret_file \(file) is readable.")
        }
        let servesAsApp = !(facts.environment["GITHUB_APP_ID"] ?? "").isEmpty
        let advice = "set GITHUB_WEBHOOK_SECRET or [serve] webhook_secret_file before running `fixloop serve`, the only command that needs it."
        return servesAsApp ? .warn(name, "No webhook secret is set although GITHUB_APP_ID is; " + advice)
            : .skip(name, "No webhook secret is set; " + advice)
    }
}
