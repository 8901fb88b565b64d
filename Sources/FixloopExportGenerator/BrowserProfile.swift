/// The browser and device properties posthog-js sends with every event, for a few common set-ups.
struct BrowserProfile: Sendable {
    let os: String
    let osVersion: String
    let browser: String
    let browserVersion: Double
    let deviceType: String
    let userAgent: String
    let screen: (width: Double, height: Double)
    let viewport: (width: Double, height: Double)

    static let all: [BrowserProfile] = [
        BrowserProfile(
            os: "Mac OS X", osVersion: "14.5.0", browser: "Chrome", browserVersion: 125, deviceType: "Desktop",
            userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/125.0.0.0 Safari/537.36",
            screen: (1512, 982), viewport: (1440, 900)),
        BrowserProfile(
            os: "Windows", osVersion: "10.0", browser: "Firefox", browserVersion: 126, deviceType: "Desktop",
            userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0",
            screen: (1920, 1080), viewport: (1903, 969)),
        BrowserProfile(
            os: "iOS", osVersion: "17.5.1", browser: "Mobile Safari", browserVersion: 17.5, deviceType: "Mobile",
            userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 "
                + "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            screen: (390, 844), viewport: (390, 664)),
        BrowserProfile(
            os: "Android", osVersion: "14.0.0", browser: "Chrome", browserVersion: 125, deviceType: "Mobile",
            userAgent: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/125.0.0.0 Mobile Safari/537.36",
            screen: (412, 915), viewport: (412, 780)),
    ]
}
