/// A pull request on GitHub, `gh:OWNER/NAME#N`.
public struct PullRequestReference: Sendable, Hashable, Codable, CustomStringConvertible {
    public var owner: String
    public var name: String
    public var number: Int

    public init(owner: String, name: String, number: Int) {
        self.owner = owner
        self.name = name
        self.number = number
    }

    /// - Throws: ``TicketReferenceError`` for anything but `gh:OWNER/NAME#N`.
    public init(parsing text: String) throws {
        guard text.hasPrefix("gh:"), case .github(let owner, let name, let number)? = try? TicketReference(parsing: text) else {
            throw TicketReferenceError(text: text, reason: "a pull request is named gh:OWNER/NAME#N, e.g. gh:acme/shop#7")
        }
        self.init(owner: owner, name: name, number: number)
    }

    /// `gh:OWNER/NAME#N`.
    public var description: String { "gh:\(owner)/\(name)#\(number)" }
}
