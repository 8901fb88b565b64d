/// The `[report]` table of `fixloop.toml`: where the week's review is published and announced.
public struct ReportSettings: Sendable, Equatable {
    /// Where the review page is published (a link in the Slack message); nil: the message names the file.
    public var url: String?
    /// The Slack incoming webhook `fixloop report` posts the week's summary to. Secret-ish: prefer
    /// `FIXLOOP_SLACK_WEBHOOK` (or `--slack-webhook`), which win over this key.
    public var slackWebhook: String?

    /// The defaults: no address, no Slack.
    public init() {}
}

extension ReportSettings {
    init(reading table: inout ConfigSection) throws {
        self.init()
        for (key, keyPath) in [("url", \ReportSettings.url), ("slack_webhook", \ReportSettings.slackWebhook)] {
            guard let value = try table.string(key) else { continue }
            guard value.hasPrefix("https://") || value.hasPrefix("http://") else {
                throw ConfigurationError(kind: .invalidValue, file: table.file, key: "report.\(key)",
                                         detail: "must be an http(s) URL (\(key == "url" ? "where the review page is published" : "the Slack incoming webhook"))")
            }
            self[keyPath: keyPath] = value
        }
    }
}
