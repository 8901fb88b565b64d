// swift-tools-version:6.0
// The fixture package for `fixloop verify` on a Swift project.
import PackageDescription

let package = Package(
    name: "Calc",
    targets: [
        .target(name: "Calc"),
        .testTarget(name: "CalcTests", dependencies: ["Calc"]),
    ]
)
