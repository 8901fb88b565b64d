import ArgumentParser
import FixloopCore
import FixloopEngineer
import FixloopGit
import Foundation

/// `fixloop localize`: the engineer's file ranking for a ticket, alone.
struct LocalizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localize", abstract: "Rank a repository's files for a ticket, as the engineer does.")

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The ticket.", valueName: "ref")) var ticket: String
    @Option(help: ArgumentHelp("The repository: an HTTPS or SSH URL, or a local path.", valueName: "url|path")) var repo: String?
    @Option(help: ArgumentHelp("A branch, tag or commit.", valueName: "rev")) var commit: String?
    @Option(help: ArgumentHelp("How many files to rank.", valueName: "n")) var limit = 10
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let context = try global.context()
        let reference = try TicketReference(parsing: ticket)
        let loaded = try await TicketLoader(context: context).load(reference)
        guard let repositoryText = repo ?? loaded.repository else {
            throw CommandError(code: "localize.no_repository", message: "The ticket \(reference) names no repository; pass --repo URL|PATH.")
        }
        let remote = try RepositoryReference(parsing: repositoryText)
        try context.state.prepare()
        let pool = WorkspacePool(mirrors: MirrorCache(root: context.state.mirrors), root: context.state.workspaces,
                                 poolSize: context.configuration.git.workspacePoolSize, checkoutLimits: CheckoutLimits(context.configuration.git))
        var localizer = Localizer()
        localizer.limit = limit
        let ranking = try await pool.withWorkspace(remote: remote, at: commit ?? loaded.commit,
                                                   credentials: GitCredentialChoice.credentials(for: remote, context: context)) { workspace in
            localizer.rank(text: loaded.fullText, files: Localizer.readFiles(in: workspace.directory))
        }
        if json { return try context.printJSON(ranking) }
        var table = TextTable(header: ["rank", "file", "score", "why"], alignments: [.right, .left, .right])
        for (index, candidate) in ranking.candidates.enumerated() {
            table.append(["\(index + 1).", candidate.path, String(format: "%.2f", candidate.score), candidate.reasons.prefix(3).joined(separator: "; ")])
        }
        context.printTable(table)
    }
}
