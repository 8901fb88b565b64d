import ArgumentParser
import FixloopCore
import FixloopIngest
import FixloopPostHog
import FixloopStore
import Foundation

/// `score --posthog`: pull the events from PostHog's query API instead of (or besides) export files.
struct PostHogOptions: ParsableArguments {
    @Flag(help: "Pull events from PostHog's query API ([posthog] host and project_id, POSTHOG_API_KEY), from where the last pull stopped (else --since, else 7 days back).")
    var posthog = false

    @Option(name: .customLong("posthog-page-size"), help: .hidden) var pageSize = 10_000

    /// The pull these options ask for; nil without `--posthog`.
    /// - Throws: ``CommandError`` `posthog.not_configured` without `[posthog] host` and `project_id`,
    ///   `posthog.no_key` without `POSTHOG_API_KEY`.
    func pull(context: CommandContext, since: Date?, until: Date?, now: Date) throws -> PostHogEventPull? {
        guard posthog else { return nil }
        let settings = context.configuration.posthog
        guard let host = settings.host.flatMap(URL.init(string:)), let project = settings.projectID else {
            throw CommandError(code: "posthog.not_configured", message: "score --posthog needs [posthog] host and project_id in fixloop.toml (host: https://us.posthog.com, https://eu.posthog.com or your own instance; project_id: the number in the project's URL).")
        }
        guard let key = EdgeSecrets(context.environment).posthog else {
            throw CommandError(code: "posthog.no_key", message: "score --posthog needs POSTHOG_API_KEY (or POSTHOG_API_KEY_FILE): a personal API key with the Query Read scope, made in PostHog's settings under Personal API keys.")
        }
        let client = PostHogQueryClient(host: host, projectID: String(project), apiKey: key)
        var pull = PostHogEventPull(client: client, since: since ?? now.addingTimeInterval(-7 * 86_400), until: until ?? now)
        pull.pageSize = max(1, min(50_000, pageSize))
        return pull
    }
}

extension ScorePipeline {
    /// Pulls PostHog's events into the store; each page's events and its cursor are one transaction, so a pull
    /// stopped anywhere is completed by a rerun.
    func importPostHog(_ pull: PostHogEventPull) async throws -> ImportReport {
        var sink = CountingEventSink(inner: stores.eventSink(), report: observer.imported)
        return try await pull.run(importer: importer, into: &sink)
    }
}
