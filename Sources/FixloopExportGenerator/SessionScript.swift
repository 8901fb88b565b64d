/// One step a generated user takes.
enum ScriptStep {
    case page(path: String, title: String)
    case click(text: String, tag: String, classes: [String])
    case deadClick(text: String)
    case rageClick(text: String)
    case exception(type: String, value: String, function: String, file: String, handled: Bool)
    /// An exception the backend reported with posthog-python (frames outermost first).
    case serverException(type: String, value: String, frames: [ServerFrame])
    case product(String)
    case vitals(poor: Bool)
    case flag
    case leave
}

/// One frame of a backend stack trace, as posthog-python sends it.
struct ServerFrame {
    let file: String
    let function: String
    let line: Int
    let inApp: Bool
    let context: String
}

/// The steps of one session of a given archetype, drawn from the random generator.
struct SessionScript {
    let archetype: SessionArchetype
    private var random: SplitMix64

    init(archetype: SessionArchetype, random: inout SplitMix64) {
        self.archetype = archetype
        self.random = SplitMix64(seed: random.next())
    }

    static let categories = ["tents", "backpacks", "boots", "jackets", "stoves", "lamps"]

    mutating func steps() -> [ScriptStep] {
        var steps: [ScriptStep] = [.flag]
        steps += landing()
        switch archetype {
        case .bounce:
            return steps
        case .browse:
            for _ in 0..<random.int(1...4) { steps += productPage() }
            steps.append(.leave)
        case .purchase:
            for _ in 0..<random.int(1...3) { steps += productPage() }
            steps += addToCart() + checkout()
            steps += [.click(text: "Pay now", tag: "button", classes: ["btn", "btn-primary"]),
                      .product("checkout_completed")]
            steps += orderPage()
        case .errorDropOff:
            steps += productPage() + addToCart() + checkout()
            steps += [.click(text: "Pay now", tag: "button", classes: ["btn", "btn-primary"]),
                      .exception(type: "TypeError", value: "Cannot read properties of undefined (reading 'total')",
                                 function: "confirmOrder", file: "src/checkout/confirm.ts", handled: false),
                      .rageClick(text: "Pay now")]
            if random.chance(0.5) { steps.append(.leave) }
        case .frustratedPurchase:
            steps += productPage()
            steps.append(.deadClick(text: "Size guide"))
            steps += addToCart() + checkout()
            steps += [.deadClick(text: "Apply coupon"),
                      .exception(type: "NetworkError", value: "POST /api/coupons failed with 502",
                                 function: "applyCoupon", file: "src/checkout/coupon.ts", handled: true),
                      .click(text: "Pay now", tag: "button", classes: ["btn", "btn-primary"]),
                      .rageClick(text: "Pay now"),
                      .click(text: "Pay now", tag: "button", classes: ["btn", "btn-primary"]),
                      .product("checkout_completed")]
            steps += orderPage()
        case .discountError:
            steps += productPage() + addToCart() + checkout()
            let (code, percent) = random.pick([("SAVE10", 10), ("SUMMER15", 15), ("WELCOME20", 20)])
            let subtotal = random.pick([1200, 2450, 4999, 8900, 12900, 34900]) * random.int(1...2)
            let charged = subtotal + subtotal * percent / 100
            steps += [.click(text: "Discount code", tag: "input", classes: ["field"]),
                      .click(text: "Apply \(code)", tag: "button", classes: ["btn"]),
                      .click(text: "Pay now", tag: "button", classes: ["btn", "btn-primary"]),
                      .serverException(type: "CheckoutError",
                                       value: "charge of \(Self.money(charged)) is above the cart total \(Self.money(subtotal))",
                                       frames: Self.checkoutFrames(guardLine: true))]
            if random.chance(0.6) { steps.append(.rageClick(text: "Pay now")) }
            steps.append(.leave)
        case .discountPurchase:
            steps += productPage() + addToCart() + checkout()
            let code = random.pick(["SAVE10", "SUMMER15", "WELCOME20"])
            steps += [.click(text: "Discount code", tag: "input", classes: ["field"]),
                      .click(text: "Apply \(code)", tag: "button", classes: ["btn"]),
                      .click(text: "Pay now", tag: "button", classes: ["btn", "btn-primary"]),
                      .product("checkout_completed")]
            steps += orderPage()
        case .emptyCartError:
            steps += productPage() + addToCart()
            steps += [.click(text: "Remove", tag: "button", classes: ["btn", "remove-item"])]
            steps += checkout()
            steps += [.click(text: "Pay now", tag: "button", classes: ["btn", "btn-primary"]),
                      .serverException(type: "CheckoutError", value: "cart is empty at checkout",
                                       frames: Self.checkoutFrames(guardLine: false)),
                      .leave]
        case .wrongAudience:
            steps += [.page(path: "/search", title: "Search results for “\(random.pick(["wholesale tents", "bulk order boots", "trade account"]))” – Acme Shop"),
                      .click(text: "Business customers", tag: "a", classes: ["footer-link"]),
                      .page(path: "/pages/business", title: "Business customers – Acme Shop"),
                      .leave]
        }
        return steps
    }

    /// `12.00` for 1200 cents.
    static func money(_ cents: Int) -> String {
        "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)"
    }

    /// The example shop's checkout call as the backend's stack shows it: the web framework, the API handler, then
    /// `charge`, raising at its guard (or at the empty-cart check).
    static func checkoutFrames(guardLine: Bool) -> [ServerFrame] {
        [ServerFrame(file: "wsgiref/handlers.py", function: "run", line: 137, inApp: false,
                     context: "self.result = application(self.environ, self.start_response)"),
         ServerFrame(file: "shop/api.py", function: "checkout", line: 40, inApp: true,
                     context: "amount = charge(cart, discount_percent)"),
         guardLine
            ? ServerFrame(file: "shop/checkout.py", function: "charge", line: 21, inApp: true,
                          context: "raise CheckoutError(")
            : ServerFrame(file: "shop/checkout.py", function: "charge", line: 17, inApp: true,
                          context: "raise CheckoutError(\"cart is empty at checkout\")")]
    }

    private mutating func landing() -> [ScriptStep] {
        [.page(path: random.pick(["/", "/search", "/c/" + random.pick(Self.categories)]), title: "Acme Shop"),
         .vitals(poor: random.chance(0.15))]
    }

    private mutating func productPage() -> [ScriptStep] {
        var steps: [ScriptStep] = [
            .click(text: random.pick(["Alpine 2P Tent", "Trail 40L Pack", "Ridge Boot", "Storm Shell"]), tag: "a",
                   classes: ["product-card"]),
            .page(path: "/products/\(random.int(100...9999))", title: "Product – Acme Shop"),
        ]
        if random.chance(0.5) { steps.append(.click(text: "Reviews", tag: "button", classes: ["tab"])) }
        if random.chance(0.3) { steps.append(.vitals(poor: random.chance(0.2))) }
        return steps
    }

    private mutating func addToCart() -> [ScriptStep] {
        [.click(text: "Add to cart", tag: "button", classes: ["btn", "add-to-cart"]), .product("product_added"),
         .page(path: "/cart/" + hexHash(), title: "Cart – Acme Shop")]
    }

    private mutating func checkout() -> [ScriptStep] {
        [.click(text: "Checkout", tag: "a", classes: ["btn", "btn-primary"]),
         .page(path: "/checkout", title: "Checkout – Acme Shop"),
         .click(text: "Card number", tag: "input", classes: ["field"])]
    }

    private mutating func orderPage() -> [ScriptStep] {
        [.page(path: "/orders/\(random.int(10_000...99_999))", title: "Your order – Acme Shop"),
         .product("order_viewed")]
    }

    private mutating func hexHash() -> String {
        let text = String(random.next(), radix: 16) + String(random.next(), radix: 16)
        return String((text + String(repeating: "0", count: 32)).prefix(32))
    }
}
