// swift-tools-version:6.1
// surel — the e-mail channel of the DJPK Contact Center.
// Dependencies point one way: surel (CLI) -> SurelWeb (the console) -> SurelEngine -> (SurelMail, SurelStore,
// SurelClassify, SurelDocuments);
// SurelStore and SurelClassify -> SurelCore. SurelMail and SurelDocuments stand alone. Each target declares exactly
// the modules it imports.
// Only SurelMail imports the C modules CCurl and CMailutils; only SurelCore's SHA256 imports CLibcrypto; only
// SurelDocuments imports CPangoCairo.
import PackageDescription

let package = Package(
    name: "surel",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "surel", targets: ["surel"]),
        // The fuzz target over the whole parse (scripts/fuzz, Fuzz/README.md); in a normal build a replay tool.
        .executable(name: "surel-fuzz", targets: ["SurelFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // Only its bcrypt (C, no server code) is used here: the console's passwords.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        // The console's server; its optional traits (swift-configuration, full Foundation) are not needed.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // The console's /metrics in the Prometheus text format.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CMailutils", path: "Sources/CMailutils",
            providers: [.apt(["libmailutils-dev"])]),
        .systemLibrary(
            name: "CLibcrypto", path: "Sources/CLibcrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        // Indonesia's holiday calendar (Defaults/holidays-id.tsv) is compiled in, like the taxonomy below.
        .systemLibrary(
            name: "CPangoCairo", path: "Sources/CPangoCairo", pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]),
        // The commit `surel --version` names is written at build time (Plugins/BuildCommit).
        .plugin(name: "BuildCommit", capability: .buildTool()),
        .target(
            name: "SurelCore", dependencies: ["CLibcrypto"], resources: [.embedInCode("Defaults/holidays-id.tsv")],
            plugins: ["BuildCommit"]),
        .target(name: "SurelMail", dependencies: ["CCurl", "CMailutils"]),
        .target(name: "SurelStore", dependencies: ["SurelCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // The default taxonomy and rules are data files (Defaults/*.tsv), compiled into the binary so that it
        // always has them; a deployment overrides them with its own files in the config.
        .target(
            name: "SurelClassify", dependencies: ["SurelCore"],
            resources: [.embedInCode("Defaults/taxonomy.tsv"), .embedInCode("Defaults/rules.tsv")]),
        // The BAK as PDF, laid out by pango on a cairo PDF surface.
        .target(name: "SurelDocuments", dependencies: ["CPangoCairo"]),
        .target(
            name: "SurelEngine",
            dependencies: [
                "SurelCore", "SurelMail", "SurelStore", "SurelClassify", "SurelDocuments",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]),
        // The agents' web console: Hummingbird routes and Mustache pages over the HelpDesk; the templates and the
        // style sheet are compiled into the binary.
        .target(
            name: "SurelWeb",
            dependencies: [
                "SurelEngine", "SurelStore", "SurelCore", "SurelMail",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [
                .embedInCode("Templates/head.mustache"), .embedInCode("Templates/foot.mustache"),
                .embedInCode("Templates/login.mustache"), .embedInCode("Templates/home.mustache"),
                .embedInCode("Templates/tickets.mustache"), .embedInCode("Templates/ticket.mustache"),
                .embedInCode("Templates/review.mustache"), .embedInCode("Templates/error.mustache"),
                .embedInCode("Templates/close.mustache"), .embedInCode("Templates/ops.mustache"),
                .embedInCode("Templates/kb.mustache"), .embedInCode("Templates/kbentry.mustache"),
                .embedInCode("Templates/sla.mustache"), .embedInCode("Templates/survey.mustache"),
                .embedInCode("Templates/surveynote.mustache"), .embedInCode("Templates/surveyscores.mustache"),
                .embedInCode("Templates/publichead.mustache"), .embedInCode("Templates/report.mustache"),
                .embedInCode("Templates/reportdoc.mustache"), .embedInCode("Templates/reportbody.mustache"),
                .embedInCode("Templates/lists.mustache"), .embedInCode("Templates/members.mustache"),
                .embedInCode("Templates/suppression.mustache"), .embedInCode("Templates/blasts.mustache"),
                .embedInCode("Templates/blastnew.mustache"), .embedInCode("Templates/blast.mustache"),
                .embedInCode("Templates/blastpreview.mustache"), .embedInCode("Templates/blastconfirm.mustache"),
                .embedInCode("Static/report.css"),
                .embedInCode("Static/surel.css"), .embedInCode("Static/surel.js"),
            ]),
        .executableTarget(
            name: "surel",
            dependencies: [
                "SurelWeb", "SurelEngine", "SurelCore", "SurelMail", "SurelStore", "SurelClassify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        // Builds the console benchmark's store (scripts/bench-web) through the store's own code.
        .executableTarget(
            name: "SurelBenchStore",
            dependencies: ["SurelStore", "SurelCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .executableTarget(
            name: "SurelFuzz",
            dependencies: [
                "SurelMail", "SurelEngine", "SurelClassify", "SurelCore",
            ]),
        .testTarget(name: "SurelCoreTests", dependencies: ["SurelCore"]),
        .testTarget(name: "SurelMailTests", dependencies: ["SurelMail"]),
        .testTarget(
            name: "SurelStoreTests",
            dependencies: [
                "SurelStore", "SurelCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(name: "SurelClassifyTests", dependencies: ["SurelClassify", "SurelCore"]),
        .testTarget(
            name: "SurelWebTests",
            dependencies: [
                "SurelWeb", "SurelEngine", "SurelStore", "SurelCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        .testTarget(
            name: "SurelEngineTests",
            dependencies: [
                "SurelEngine", "SurelMail", "SurelStore", "SurelClassify", "SurelCore",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    swiftLanguageModes: [.v5]
)
