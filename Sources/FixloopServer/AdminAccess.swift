import Crypto
import FixloopCore
import Foundation
import HTTPTypes
import Hummingbird

/// Who may read the bot's admin pages on a listener: `GET /` (the week's review: session ids, blurbs, diffs) and
/// `GET /metrics`. The webhook endpoints and `GET /healthz` are never behind it.
public enum AdminAccess: Sendable {
    /// Not served at all (404): the default on the public listener.
    case closed
    /// Served to requests with `Authorization: Bearer <token>`; others get 401.
    case token(Secret)
    /// Served to anyone who reaches the listener: only for the second listener on 127.0.0.1 (`[serve] admin_port`).
    case open

    /// Whether `header` (the `Authorization` value) carries the token; the comparison takes the same time wherever
    /// the bytes differ and whatever the length, since both sides are hashed first.
    public static func isAuthorized(_ header: String?, token: Secret) -> Bool {
        guard let header else { return false }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        let given = SHA256.hash(data: Data(parts[1].trimmingCharacters(in: .whitespaces).utf8))
        let expected = SHA256.hash(data: Data(token.reveal().utf8))
        var difference: UInt8 = 0
        for (left, right) in zip(given, expected) { difference |= left ^ right }
        return difference == 0
    }
}

/// Answers 401 unless the request carries the admin bearer token.
struct AdminTokenMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let token: Secret

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard AdminAccess.isAuthorized(request.headers[.authorization], token: token) else {
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; charset=utf-8"
            headers[.wwwAuthenticate] = "Bearer realm=\"fixloop\""
            return Response(status: .unauthorized, headers: headers,
                            body: .init(byteBuffer: ByteBuffer(string: "this page needs Authorization: Bearer <[serve] admin token>\n")))
        }
        return try await next(request, context)
    }
}

/// Adds `GET /` and `GET /metrics` to `router` as `access` allows (nothing when closed).
func addAdminRoutes(to router: Router<BasicRequestContext>, access: AdminAccess, metrics: ServerMetrics, sources: MetricsSources) {
    let group: RouterGroup<BasicRequestContext>
    switch access {
    case .closed: return
    case .open: group = router.group()
    case .token(let token): group = router.group().add(middleware: AdminTokenMiddleware(token: token))
    }
    group.get("/") { _, _ -> Response in
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        guard let page = await sources.reviewPage() else {
            let text = "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>Fixloop</title><p>No review yet: grade sessions with <code>fixloop score</code> first.</p></html>\n"
            return Response(status: .notFound, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }
    group.get("/metrics") { _, _ -> Response in
        let text = metrics.render(jobs: await sources.jobs(), spendUSD: await sources.spendUSD())
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The second listener's routes (`[serve] admin_port`, on 127.0.0.1): `GET /healthz` and the admin pages, no webhooks.
public func buildAdminRouter(metrics: ServerMetrics, sources: MetricsSources) -> Router<BasicRequestContext> {
    let router = Router()
    router.get("/healthz") { _, _ in "ok\n" }
    addAdminRoutes(to: router, access: .open, metrics: metrics, sources: sources)
    return router
}
