@testable import FixloopServer
import FixloopCore
import FixloopFixService
import Foundation
import Testing

/// A queued job becomes a typed fix request: its ticket, its repository, its installation's token.
struct FixJobRequestTests {
    static var template: FixRequest {
        var request = FixRequest(ticket: .reference(.standardInput), model: ModelSpec(provider: .openai, name: "m"))
        request.limits.maxCostUSD = 2
        request.credentials = .init(github: Secret("operator-token"), linear: Secret("lin-key"))
        return request
    }

    static func job(_ ticket: String, repository: String = "acme/shop") -> Job {
        Job(id: 7, ticket: ticket, repository: repository, trigger: "label", createdAt: Date(), installationID: 42)
    }

    @Test func aGitHubJobCarriesItsInstallationTokenAndLeavesTheTicketToTheProgressComment() throws {
        let request = try FixJobRunner.request(for: Self.job("gh:acme/shop#12"), template: Self.template, token: Secret("installation-token"), cloneFrom: [:])
        #expect(request.ticket.reference == .github(owner: "acme", name: "shop", number: 12))
        #expect(request.credentials.github?.reveal() == "installation-token")
        #expect(request.credentials.linear?.reveal() == "lin-key")
        #expect(request.repository == nil, "the ticket's repository")
        #expect(request.delivery == .pullRequest(repository: nil, commentOnTicket: false))
        #expect(request.limits.maxCostUSD == 2)
    }

    @Test func theTextOfAFixCommandGoesToTheRequest() throws {
        var job = Self.job("gh:acme/shop#12")
        job.requestText = "keep the API"
        #expect(try FixJobRunner.request(for: job, template: Self.template, token: nil, cloneFrom: [:]).requestText == "keep the API")
        #expect(try FixJobRunner.request(for: Self.job("gh:acme/shop#12"), template: Self.template, token: nil, cloneFrom: [:]).requestText == nil)
    }

    @Test func whoAskedGoesToTheRequestForTheReviewAndTheCoAuthor() throws {
        var job = Self.job("gh:acme/shop#12")
        job.requester = "alice"
        #expect(try FixJobRunner.request(for: job, template: Self.template, token: nil, cloneFrom: [:]).requester == "alice")
    }

    @Test func withoutAnInstallationTheOperatorsTokenIsUsedAndAMirrorIsClonedFrom() throws {
        let request = try FixJobRunner.request(for: Self.job("gh:acme/shop#12"), template: Self.template, token: nil,
                                               cloneFrom: ["acme/shop": "/srv/mirrors/shop.git"])
        #expect(request.credentials.github?.reveal() == "operator-token")
        #expect(request.repository == "/srv/mirrors/shop.git")
    }

    @Test func aLinearJobGetsTheConfiguredRepositoryForItsPullRequest() throws {
        let request = try FixJobRunner.request(for: Self.job("linear:ENG-42", repository: "acme/api"), template: Self.template, token: nil, cloneFrom: [:])
        #expect(request.ticket.reference == .linear(identifier: "ENG-42"))
        #expect(request.repository == "https://github.com/acme/api.git")
        #expect(request.delivery == .pullRequest(repository: "acme/api", commentOnTicket: false))
    }
}
