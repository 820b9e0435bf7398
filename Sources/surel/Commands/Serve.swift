// `surel serve`: the agents' web console on `[web] listen`, beside `surel run` on the same store.
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SurelCore
import SurelEngine
import SurelStore
import SurelWeb

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the web console (log in with an account from `surel users add`).")
    @OptionGroup var options: ConfigOption

    func run() throws {
        let config = try options.load(needsMailbox: false)
        var logger = Logger(label: "surel-web")
        logger.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info
        let console = try Console(config: config, database: try SurelDatabase(path: config.store.path))
        let users = try console.desk.database.users().count
        logger.info(
            "console listening",
            metadata: [
                "address": "\(config.web.host):\(config.web.port)", "tls": "\(config.web.tlsCertificate != nil)",
                "users": "\(users)", "version": "\(SurelVersion.description)",
            ])
        let app = try console.application(logger: logger)
        let publicPages = try console.publicApplication(logger: logger)
        if let host = config.web.publicHost, let port = config.web.publicPort {
            logger.info("public pages listening", metadata: ["address": "\(host):\(port)"])
        }
        let done = DispatchSemaphore(value: 0)
        let failure = LockedError()
        Task {
            // The console owns the signal handling; the public pages stop with it.
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await app.runService() }
                    if let publicPages { group.addTask { try await publicPages.run() } }
                    try await group.next()
                    group.cancelAll()
                }
            } catch { failure.set(error) }
            done.signal()
        }
        done.wait()
        if let error = failure.get() { throw error }
    }
}

/// The server task's error, handed to the waiting thread.
final class LockedError: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?
    func set(_ e: any Error) { lock.withLock { error = e } }
    func get() -> (any Error)? { lock.withLock { error } }
}
