import FixloopConfig
import FixloopCore

/// The commented `fixloop.toml` that `fixloop init` writes: every table, each key with the value the code uses when
/// the key is absent (read from the settings types' own defaults, so the file stays true when they change), and
/// commented examples for keys without a default. `examples/fixloop.toml` is this text.
enum ConfigTemplate {
    /// The file for `defaults` (the built-in configuration unless a test passes another).
    static func render(_ defaults: FixloopConfiguration = FixloopConfiguration()) -> String {
        var text = TemplateText()
        text.comment(
            "fixloop.toml: the operator's settings, written by `fixloop init`. Every key is described in docs/configuration.md;",
            "a key Fixloop does not know is an error. The values shown are this version's defaults: delete a line to follow",
            "the defaults of later versions. Secrets never go here: keys and tokens come from the environment (`fixloop doctor`",
            "checks them).")
        text.blank()
        text.key("prompts_dir", nil, example: TemplateText.string("prompts"),
                 "A folder of prompt templates laid out like prompts/ (engineer/pull-request.mustache, …), searched before the bundled ones; relative to this file. Top-level keys go above the first table.")
        models(defaults, &text)
        budgets(defaults.budgets == BudgetSettings() ? .recommended : defaults.budgets, &text)
        git(defaults.git, &text)
        engineer(defaults.engineer, &text)
        sandbox(defaults.sandbox, &text)
        scorer(defaults.scorer, &text)
        posthog(defaults.posthog, &text)
        planner(defaults.planner, &text)
        serve(defaults.serve, &text)
        links(defaults, &text)
        report(defaults.report, &text)
        store(defaults.store, &text)
        rateLimits(&text)
        prices(&text)
        return text.text
    }

    private static func models(_ defaults: FixloopConfiguration, _ text: inout TemplateText) {
        let models = defaults.models
        text.table("models")
        text.key("default", TemplateText.string(models.defaultModel), "The model commands use without --model: \"openai:NAME\" or \"anthropic:NAME\".")
        text.key("timeout_seconds", "\(models.timeoutSeconds)", "How long one HTTP attempt may take (1–3600).")
        text.key("max_attempts", "\(models.maxAttempts)", "Attempts per call, the first included, before a retryable failure is given up (1–20).")
        text.key("initial_backoff_ms", "\(models.initialBackoffMilliseconds)", "The first retry's delay; each later one doubles, with jitter (1–60000).")
        text.key("max_backoff_seconds", "\(models.maxBackoffSeconds)", "The longest delay between attempts, Retry-After included (1–3600).")
        text.key("max_output_tokens", "\(models.maxOutputTokens)", "The answer's token limit when a caller sets none (1–1000000).")
        text.key("log_requests", "\(models.logRequests)", "Whether requests and replies go to the run's model-calls.jsonl (always redacted).")
    }

    private static func budgets(_ budgets: BudgetSettings, _ text: inout TemplateText) {
        text.table("budgets")
        text.comment("Spending caps; a commented key is no cap. init writes $5 a run and $25 a day; without this file no cap applies.",
                     "Under a dollar cap a model without a price is refused before any work.",
                     "Lift a cap by raising or deleting its line; --max-cost sets one run's cap on the command line.")
        text.key("per_run_usd", budgets.perRunUSD.map(TemplateText.number), example: "2.0", "Dollars one run may spend.")
        text.key("per_ticket_usd", budgets.perTicketUSD.map(TemplateText.number), example: "5.0", "Dollars all runs for one ticket may spend.")
        text.key("per_day_usd", budgets.perDayUSD.map(TemplateText.number), example: "20.0", "Dollars the process may spend in one UTC day, every run and ticket together.")
        text.key("per_run_tokens", budgets.perRunTokens.map { "\($0)" }, example: "2000000", "Tokens one run may use.")
    }

    private static func git(_ git: GitSettings, _ text: inout TemplateText) {
        text.table("git")
        text.key("author_name", TemplateText.string(git.authorName), "Name on the commits Fixloop makes.")
        text.key("author_email", TemplateText.string(git.authorEmail), "Email on the commits Fixloop makes.")
        text.key("workspace_pool_size", "\(git.workspacePoolSize)", "Idle checkouts kept per repository for reuse (0–64; 0 turns reuse off).")
        text.key("enterprise_hosts", TemplateText.strings(git.enterpriseHosts), "GitHub Enterprise host names, treated like github.com.")
        text.key("credential_attempts", "\(git.credentialAttempts)", "How often a refused credential is offered again (1–10).")
        text.key("max_checkout_files", "\(git.maxCheckoutFiles)", "Files and folders one checkout may write (1–100000000).")
        text.key("max_checkout_mb", "\(git.maxCheckoutMB)", "Megabytes of file content one checkout may write (1–1048576).")
    }

    private static func engineer(_ limits: TicketLimits, _ text: inout TemplateText) {
        text.table("engineer")
        text.key("max_ticket_bytes", "\(limits.maxTicketBytes)", "Most bytes of ticket text in a prompt; a longer ticket is summarised (4096–4194304).")
        text.key("max_ticket_read_bytes", "\(limits.maxReadBytes)", "Most bytes read at all; a larger ticket is refused (4096–67108864).")
    }

    private static func sandbox(_ sandbox: SandboxSettings, _ text: inout TemplateText) {
        text.table("sandbox")
        text.key("read_only", TemplateText.strings(sandbox.readOnlyPaths),
                 "Host paths bound read-only in every sandbox (absolute; not $HOME's dot-folders, the state directory or key files).")
    }

    private static func scorer(_ scorer: ScorerSettings, _ text: inout TemplateText) {
        text.table("scorer")
        text.key("product_context", scorer.productContext.map(TemplateText.string), example: TemplateText.string("product-context.md"),
                 "The product context Markdown file (see examples/product-context.md); without one every rubric score is unsure.")
        text.key("idle_gap_minutes", "\(scorer.idleGapMinutes)", "Minutes without an event that end a session when the export has no session id (1–1440).")
        text.key("grading", TemplateText.string(scorer.grading.rawValue), "Which sessions go to the model: rubric (none), unsure, all.")
        text.key("reported_problems", "\(scorer.reportedProblems)", "Malformed records an import report lists by file and line (0–1000).")
        text.key("concurrency", "\(scorer.concurrency)", "Sessions graded by the model at once, sharing the provider's rate limits (1–64).")
        text.key("mode", TemplateText.string(scorer.mode.rawValue), "direct (a call per session) or batch (one provider batch at half price, as score --batch).")
        text.key("batch_poll_seconds", "\(Int(scorer.batchPollSeconds))", "Seconds between two polls of a submitted batch (over 0, at most 3600).")
        text.key("write_back", scorer.writeBack.map(TemplateText.string), example: TemplateText.string("postgres://fixloop@warehouse:5432/analytics"),
                 "Write each session's score, blurb, intent and right-product answer to fixloop_session_scores in this PostgreSQL database after grading (password: FIXLOOP_DATABASE_PASSWORD or _FILE).")
    }

    private static func posthog(_ posthog: PostHogSettings, _ text: inout TemplateText) {
        text.table("posthog")
        text.comment("The PostHog project the sessions come from: with both keys, session ids on the review and in",
                     "`fixloop sessions show` link to their replay ({host}/project/{project_id}/replay/{session id}).")
        text.key("host", posthog.host.map(TemplateText.string), example: TemplateText.string("https://us.posthog.com"),
                 "The PostHog instance `fixloop score --posthog` pulls from: https://us.posthog.com, https://eu.posthog.com or your own. The personal API key (Query Read) comes from POSTHOG_API_KEY.")
        text.key("project_id", posthog.projectID.map { "\($0)" }, example: "12345", "The project's id, as in its URL (/project/12345).")
    }

    private static func planner(_ planner: PlannerSettings, _ text: inout TemplateText) {
        text.table("planner")
        text.key("ticket_sessions", "\(planner.ticketSessions)", "A pattern with this many sessions in the period gets a ticket.")
        text.key("ticket_share", TemplateText.number(planner.ticketShare), "…or when it reaches this share (0–1) of its route's sessions.")
        text.key("ticket_share_minimum_sessions", "\(planner.ticketShareMinimumSessions)", "The share rule needs at least this many sessions.")
        text.key("flag_sessions", "\(planner.flagSessions)", "A pattern with this many sessions (and no ticket) gets a flag.")
        text.key("examples", "\(planner.examples)", "Example sessions kept per pattern (0–50).")
        text.key("suspected_locations", "\(planner.suspectedLocations)", "Suspected code locations kept per pattern (0–100).")
        text.key("deploy_delay_hours", "\(planner.deployDelayHours)", "Hours from a fix's merge to its deploy, unless stated with fixloop tickets deployed (0–8760).")
        text.key("healed_days", "\(planner.healedDays)", "Days without a matching session that make a merged fix healed (1–90).")
        text.key("outcome_window_days", "\(planner.outcomeWindowDays)", "Days of each window a fix is measured over, before and after its deploy (1–90).")
    }

    private static func serve(_ serve: ServeSettings, _ text: inout TemplateText) {
        text.table("serve")
        text.comment("The PR bot (`fixloop serve`); --host, --port and --workers override these.")
        text.key("host", TemplateText.string(serve.host), "The address to listen on (put a TLS reverse proxy in front).")
        text.key("port", "\(serve.port)", "The port.")
        text.key("workers", "\(serve.workers)", "Jobs run at once (1–64).")
        text.key("per_repository", "\(serve.perRepository)", "Running jobs per repository at once (1–64).")
        text.key("label", TemplateText.string(serve.label), "The issue label that queues a fix.")
        text.key("lease_seconds", "\(serve.leaseSeconds)", "A worker's claim on a job, renewed every third of it (10–3600).")
        text.key("max_attempts", "\(serve.maxAttempts)", "Workers a job may use up before it fails (1–10).")
        text.key("max_rounds", "\(serve.maxRounds)", "Revision rounds per pull request, asked by review comments or /fixloop on it (0–20; 0 turns them off).")
        text.key("max_rounds_per_day", "\(serve.maxRoundsPerDay)", "Revision rounds per day across every pull request (0–1000).")
        text.key("max_behind", "\(serve.maxBehind)", "A Fixloop pull request more commits behind its base than this is rebased when the base moves (0–10000; 0: never; conflicts are reported either way).")
        text.key("max_body_bytes", "\(serve.maxBodyBytes)", "Larger webhook bodies are refused with 413.")
        text.key("model", serve.model.map(TemplateText.string), example: TemplateText.string("openai:gpt-4.1"), "The model jobs use (default: [models] default).")
        text.key("max_cost_usd", serve.maxCostUSD.map(TemplateText.number), example: "2.0", "Most model spend per job (default: [budgets] per_run_usd).")
        text.key("webhook_secret_file", serve.webhookSecretFile.map(TemplateText.string), example: TemplateText.string("/etc/fixloop/webhook-secret"),
                 "A file holding the webhook secret, when GITHUB_WEBHOOK_SECRET is not set.")
        text.key("linear_repository", serve.linearRepository.map(TemplateText.string), example: TemplateText.string("acme/shop"),
                 "OWNER/NAME that Linear tickets are fixed in (Linear webhooks also need LINEAR_WEBHOOK_SECRET).")
        text.key("admin_token_file", serve.adminTokenFile.map(TemplateText.string), example: TemplateText.string("/etc/fixloop/admin-token"),
                 "A file holding the bearer token for GET / and GET /metrics (FIXLOOP_ADMIN_TOKEN overrides it).")
        text.key("admin_port", serve.adminPort.map { "\($0)" }, example: "8081", "A second listener on 127.0.0.1 for GET /, /metrics and /healthz without a token.")
    }

    private static func links(_ defaults: FixloopConfiguration, _ text: inout TemplateText) {
        text.table("product")
        text.key("name", defaults.product.name.map(TemplateText.string), example: TemplateText.string("Acme Shop"),
                 "The product's name on the week's review (default: the product context's first heading).")
    }

    private static func report(_ report: ReportSettings, _ text: inout TemplateText) {
        text.table("report")
        text.key("url", report.url.map(TemplateText.string), example: TemplateText.string("https://reviews.example.com/shop/review.html"),
                 "Where the review page is published; the Slack message links to it.")
        text.key("slack_webhook", report.slackWebhook.map(TemplateText.string), example: TemplateText.string("https://hooks.slack.com/services/T000/B000/XXXX"),
                 "The Slack incoming webhook `fixloop report` posts the week's summary to; it is secret-ish: FIXLOOP_SLACK_WEBHOOK or --slack-webhook win over it.")
    }

    private static func store(_ store: StoreSettings, _ text: inout TemplateText) {
        text.table("store")
        text.comment("Where the job queue, webhook deliveries and spend ledger live: the state directory's SQLite file unless url is set.",
                     "Several `fixloop serve` processes on several machines share one PostgreSQL (docs/scaling.md).")
        text.key("url", store.url.map(TemplateText.string), example: TemplateText.string("postgres://fixloop@db.internal:5432/fixloop"),
                 "postgres://USER@HOST:PORT/DATABASE, or sqlite:/PATH for another SQLite file; FIXLOOP_DATABASE_URL wins over it. No password here: FIXLOOP_DATABASE_PASSWORD.")
        text.key("pool_size", "\(store.poolSize)", "Connections each process keeps to PostgreSQL (1–200).")
    }

    private static func rateLimits(_ text: inout TemplateText) {
        text.table("rate_limits")
        text.comment("Requests and tokens per minute, by provider (\"openai\") or model spec; none are set by default.")
        text.exampleTable("rate_limits.openai")
        text.key("requests_per_minute", nil, example: "500", "Requests allowed per minute.")
        text.key("tokens_per_minute", nil, example: "200000", "Tokens (input and output) allowed per minute.")
    }

    private static func prices(_ text: inout TemplateText) {
        text.table("prices")
        text.comment("Dollars per million tokens, by model spec or bare model name. Fixloop ships a dated list (`fixloop models prices`);",
                     "an entry here adds a model or replaces that model's shipped entry as a whole.")
        text.exampleTable("prices.\"openai:llama3.1\"")
        text.key("free", nil, example: "true", "A local model behind an OpenAI-compatible server: costs nothing, passes money budgets.")
        text.exampleTable("prices.\"openai:my-fine-tune\"")
        text.key("input", nil, example: "0.40", "Dollars per million input tokens.")
        text.key("cached", nil, example: "0.10", "Dollars per million cached input tokens (default: the input price).")
        text.key("output", nil, example: "1.60", "Dollars per million output tokens.")
        text.key("batch_input", nil, example: "0.20", "The batch API's input price, shown by `models prices`.")
        text.key("batch_output", nil, example: "0.80", "The batch API's output price.")
        text.key("cache_write", nil, example: "0.50", "Dollars per million input tokens written to the prompt cache (Anthropic; default: the input price).")
        text.key("context_window", nil, example: "128000", "The model's context in tokens; the edit loop keeps its conversation under half of it.")
    }
}
