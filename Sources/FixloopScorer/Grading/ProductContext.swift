import Foundation

/// The product context: the user's own Markdown file saying what the product is and which milestones matter.
///
/// The whole text goes to the model; the scorer itself reads only the `## Milestones` section, a list whose items
/// name an event in backticks (`` `signed_up` ``) or a route (`` `/onboarding/done` ``), an optional description
/// after a dash or colon, and `(goal)` on the milestones that mean the session succeeded:
///
/// ```markdown
/// ## Milestones
/// - `signed_up` — created an account (goal)
/// - `/projects/:id` — opened a project
/// ```
public struct ProductContext: Sendable, Hashable {
    /// One milestone.
    public struct Milestone: Sendable, Hashable, Codable {
        /// An event name, or a route template when it starts with `/`.
        public var name: String
        /// What reaching it means, from the list item.
        public var description: String
        /// Whether reaching it means the session reached its goal.
        public var isGoal: Bool

        /// Creates a milestone.
        public init(name: String, description: String = "", isGoal: Bool = false) {
            self.name = name
            self.description = description
            self.isGoal = isGoal
        }

        /// Whether this milestone is a route (reached by viewing a page whose template matches).
        public var isRoute: Bool { name.hasPrefix("/") }
    }

    /// The product's name: the first `#` heading, or empty.
    public var name: String
    /// The whole Markdown text.
    public var markdown: String
    /// The milestones, in file order.
    public var milestones: [Milestone]

    /// A context with no text and no milestones: the rubric is then unsure of every session.
    public static let empty = ProductContext(markdown: "")

    /// Parses `markdown`.
    public init(markdown: String) {
        self.markdown = markdown
        var name = ""
        var milestones: [Milestone] = []
        var inMilestones = false
        for rawLine in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") {
                let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
                if name.isEmpty, line.hasPrefix("# ") { name = title }
                inMilestones = title.lowercased() == "milestones"
                continue
            }
            if inMilestones, let milestone = Self.milestone(fromListItem: line) { milestones.append(milestone) }
        }
        self.name = name
        self.milestones = milestones
    }

    /// Reads the file at `url`.
    /// - Throws: ``ScorerError`` `scorer.unreadable_file` when it cannot be read as UTF-8.
    public init(contentsOf url: URL) throws {
        do {
            self.init(markdown: try String(contentsOf: url, encoding: .utf8))
        } catch {
            throw ScorerError(
                .unreadableFile, "Could not read the product context \(url.path); check that it is a UTF-8 file.",
                underlying: error as? any Error & Sendable)
        }
    }

    /// The goal milestones.
    public var goals: [Milestone] { milestones.filter(\.isGoal) }

    static func milestone(fromListItem line: String) -> Milestone? {
        var item = Substring(line)
        if item.hasPrefix("- ") || item.hasPrefix("* ") || item.hasPrefix("+ ") {
            item = item.dropFirst(2)
        } else if let dot = item.firstIndex(of: "."), item[..<dot].allSatisfy(\.isNumber), !item[..<dot].isEmpty {
            item = item[item.index(after: dot)...]
        } else {
            return nil
        }
        item = item.drop { $0 == " " }
        let isGoal = item.lowercased().contains("(goal)")
        var name: Substring
        var rest: Substring
        if item.hasPrefix("`"), let close = item.dropFirst().firstIndex(of: "`") {
            name = item[item.index(after: item.startIndex)..<close]
            rest = item[item.index(after: close)...]
        } else {
            let separators = [" — ", " – ", " - ", ": "]
            let cut = separators.compactMap { item.range(of: $0)?.lowerBound }.min() ?? item.endIndex
            name = item[..<cut]
            rest = item[cut...]
        }
        rest = rest.drop { " —–-:".contains($0) }
        var description = String(rest)
        if let goal = description.range(of: "(goal)", options: .caseInsensitive) {
            description.removeSubrange(goal)
        }
        let trimmedName = name.trimmingCharacters(in: .whitespaces)
        guard !trimmedName.isEmpty else { return nil }
        return Milestone(
            name: trimmedName, description: description.trimmingCharacters(in: .whitespaces), isGoal: isGoal)
    }
}
