/// The PR bot (`fixloop serve`); the `[serve]` table of `fixloop.toml`. Flags and the environment override it.
public struct ServeSettings: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Jobs run at once.
    public var workers = 2
    /// Running jobs per repository at once.
    public var perRepository = 1
    /// The label that queues a fix.
    public var label = "fixloop"
    /// Worker lease; a dead worker's job is picked up again after at most this long.
    public var leaseSeconds = 120
    /// Attempts per job (a worker that dies uses one).
    public var maxAttempts = 3
    /// Revision rounds per pull request (review comments, `/fixloop <text>` on the pull request).
    public var maxRounds = 3
    /// Revision rounds per day across every pull request.
    public var maxRoundsPerDay = 20
    /// A Fixloop pull request further behind its base than this many commits is rebased when the base moves;
    /// 0 never rebases (a conflict is reported either way).
    public var maxBehind = 20
    /// The model spec jobs use (default: `[models] default`).
    public var model: String?
    /// Most model spend per job, in US dollars (default: `[budgets] per_run_usd`).
    public var maxCostUSD: Double?
    /// A file holding the webhook secret, read when `GITHUB_WEBHOOK_SECRET` is not set (secrets never sit in
    /// `fixloop.toml` itself).
    public var webhookSecretFile: String?
    /// `OWNER/NAME` that Linear tickets are fixed in (Linear webhooks need `LINEAR_WEBHOOK_SECRET` too).
    public var linearRepository: String?
    /// Largest webhook body accepted, in bytes.
    public var maxBodyBytes = 1 << 20
    /// A file holding the bearer token for `GET /` and `GET /metrics` on the public listener, read at start
    /// (`FIXLOOP_ADMIN_TOKEN` overrides it). With neither this nor ``adminPort``, those pages are not served.
    public var adminTokenFile: String?
    /// A second listener on 127.0.0.1 that serves `GET /` and `GET /metrics` without a token (0 picks a port).
    public var adminPort: Int?

    public init() {}
}
