import Foundation

/// The checks side of the loopback GitHub server: check runs per commit, their annotations, Actions jobs per run,
/// and job logs served as GitHub does — a 302 from the API to a download URL on another host (`localhost` instead
/// of `127.0.0.1`) that needs no token.
struct GitHubTestChecks {
    var runs: [String: [GitHubTestState.CheckRun]] = [:]
    var annotations: [Int: [GitHubTestState.Annotation]] = [:]
    var jobs: [Int: [GitHubTestState.Job]] = [:]
    var logs: [Int: String] = [:]
    var logDownloads: [GitHubTestState.LogDownload] = []
}

extension GitHubTestState {
    public struct CheckRun: Sendable, Equatable {
        public var id: Int, name: String, headSHA: String, status: String, conclusion: String?
        public var title: String?, summary: String?, text: String?
        /// The Actions run it belongs to (its details URL names it), nil for another app.
        public var actionsRun: Int?

        public init(id: Int, name: String, headSHA: String, status: String = "completed", conclusion: String?,
                    title: String? = nil, summary: String? = nil, text: String? = nil, actionsRun: Int? = nil) {
            self.id = id
            self.name = name
            self.headSHA = headSHA
            self.status = status
            self.conclusion = conclusion
            self.title = title
            self.summary = summary
            self.text = text
            self.actionsRun = actionsRun
        }
    }

    public struct Annotation: Sendable, Equatable {
        public var path: String, line: Int, level: String, message: String, title: String?
        public init(path: String, line: Int, level: String = "failure", message: String, title: String? = nil) {
            self.path = path
            self.line = line
            self.level = level
            self.message = message
            self.title = title
        }
    }

    public struct Job: Sendable, Equatable {
        public var id: Int, name: String, conclusion: String, failedStep: String?
        public init(id: Int, name: String, conclusion: String, failedStep: String? = nil) {
            self.id = id
            self.name = name
            self.conclusion = conclusion
            self.failedStep = failedStep
        }
    }

    /// One request to the log download URL: which job, and whether it carried an `Authorization` header.
    public struct LogDownload: Sendable, Equatable {
        public var job: Int, hadAuthorization: Bool
        public init(job: Int, hadAuthorization: Bool) {
            self.job = job
            self.hadAuthorization = hadAuthorization
        }
    }

    /// Adds a check run on `repository`, with its annotations.
    public func addCheckRun(_ repository: String, _ run: CheckRun, annotations: [Annotation] = []) {
        checks.runs[repository, default: []].append(run)
        checks.annotations[run.id] = annotations
    }

    /// Adds a job to Actions run `run`, with its log; a nil log is one that has expired (its download URL 404s).
    public func addJob(run: Int, _ job: Job, log: String?) {
        checks.jobs[run, default: []].append(job)
        if let log { checks.logs[job.id] = log }
    }

    /// The requests made to log download URLs, in order.
    public var logDownloads: [LogDownload] { checks.logDownloads }

    func setPort(_ port: Int) { self.port = port }

    func routeChecks(_ method: String, _ repository: String, _ rest: [String]) -> (Int, [String: String], [UInt8])? {
        guard method == "GET" else { return nil }
        switch (rest.count, rest.first) {
        case (3, "commits") where rest[2] == "check-runs":
            let runs = (checks.runs[repository] ?? []).filter { $0.headSHA == rest[1] }.map { checkRunJSON(repository, $0) }
            return json(200, ["total_count": runs.count, "check_runs": runs])
        case (3, "check-runs") where rest[2] == "annotations":
            guard let id = Int(rest[1]), let list = checks.annotations[id] else { return json(404, ["message": "Not Found"]) }
            return json(200, list.map { annotation -> [String: Any] in
                ["path": annotation.path, "start_line": annotation.line, "end_line": annotation.line,
                 "annotation_level": annotation.level, "message": annotation.message, "title": annotation.title as Any? ?? NSNull(),
                 "raw_details": NSNull(), "blob_href": "https://github.com/\(repository)/blob/x/\(annotation.path)"]
            })
        case (4, "actions") where rest[1] == "runs" && rest[3] == "jobs":
            guard let run = Int(rest[2]), let jobs = checks.jobs[run] else { return json(404, ["message": "Not Found"]) }
            return json(200, ["total_count": jobs.count, "jobs": jobs.map { jobJSON(repository, run: run, $0) }])
        case (4, "actions") where rest[1] == "jobs" && rest[3] == "logs":
            guard let id = Int(rest[2]), checks.jobs.values.contains(where: { $0.contains { $0.id == id } }) else {
                return json(404, ["message": "Not Found"])
            }
            return (302, ["Location": "http://localhost:\(port)/_blobs/job-logs/\(id)?sig=short-lived"], [])
        default:
            return nil
        }
    }

    /// The download URL GitHub redirects a log request to: no token needed, 404 once the log has expired.
    func blob(path: String, authorization: String?) -> (Int, [String: String], [UInt8]) {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count == 3, parts[1] == "job-logs", let id = Int(parts[2]) else { return json(404, ["message": "Not Found"]) }
        checks.logDownloads.append(LogDownload(job: id, hadAuthorization: authorization != nil))
        guard let log = checks.logs[id] else {
            return (404, ["Content-Type": "application/xml"], Array("<Error><Code>BlobNotFound</Code></Error>".utf8))
        }
        return (200, ["Content-Type": "text/plain; charset=utf-8"], Array(log.utf8))
    }

    private func checkRunJSON(_ repository: String, _ run: CheckRun) -> [String: Any] {
        let details = run.actionsRun.map { "https://github.com/\(repository)/actions/runs/\($0)/job/\(run.id)" }
            ?? "https://ci.example.com/builds/\(run.id)"
        return ["id": run.id, "name": run.name, "head_sha": run.headSHA, "status": run.status,
                "conclusion": run.conclusion as Any? ?? NSNull(),
                "html_url": "https://github.com/\(repository)/runs/\(run.id)", "details_url": details,
                "output": ["title": run.title as Any? ?? NSNull(), "summary": run.summary as Any? ?? NSNull(),
                           "text": run.text as Any? ?? NSNull(), "annotations_count": checks.annotations[run.id]?.count ?? 0,
                           "annotations_url": "https://api.github.com/repos/\(repository)/check-runs/\(run.id)/annotations"],
                "app": ["slug": run.actionsRun == nil ? "external-ci" : "github-actions"],
                "check_suite": ["id": 1], "pull_requests": [] as [Any]]
    }

    private func jobJSON(_ repository: String, run: Int, _ job: Job) -> [String: Any] {
        var steps: [[String: Any]] = [["name": "Set up job", "status": "completed", "conclusion": "success", "number": 1]]
        if let step = job.failedStep {
            steps.append(["name": step, "status": "completed", "conclusion": job.conclusion, "number": 2])
        }
        return ["id": job.id, "run_id": run, "name": job.name, "status": "completed", "conclusion": job.conclusion,
                "head_sha": "", "html_url": "https://github.com/\(repository)/actions/runs/\(run)/job/\(job.id)", "steps": steps]
    }
}
