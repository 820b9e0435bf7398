// HelpDesk: the figures monitoring reads (the console's /metrics and /healthz). Counts only, for the whole channel:
// they name no one, so they show no complaint and need no role.
import Foundation
import SurelStore

/// The channel at one moment, as monitoring sees it.
public struct ChannelMetrics: Sendable {
    public var counts: StoreCounts
    /// Tickets owed an answer, and those past their deadline.
    public var slaOwed = 0, slaBreached = 0
    /// The daemon's heartbeat (written by `surel run`, so the figures hold while the console runs alone).
    public var health: DaemonHealth
    public var lastPollAge: TimeInterval? { health.lastPollAge }
    /// Seconds the oldest mail still waiting in the outbox has waited.
    public var oldestQueuedAge: TimeInterval {
        counts.oldestQueued.map { max(0, health.now.timeIntervalSince($0)) } ?? 0
    }
}

/// Whether mail is coming in: the daemon's heartbeat alone (what `/healthz` reads, cheap enough for anyone).
public struct DaemonHealth: Sendable {
    public var daemon: DaemonStatus
    public var pollInterval: TimeInterval
    public var now: Date
    /// Seconds since the daemon last polled the mailbox successfully; nil when it never has.
    public var lastPollAge: TimeInterval? { daemon.lastPollAt.map { now.timeIntervalSince($0) } }
    /// As the console's home page judges it; nil when the daemon never polled.
    public var isCurrent: Bool? { daemon.isCurrent(pollInterval: pollInterval, now: now) }
}

extension HelpDesk {
    // MARK: - Reads

    public func daemonHealth() throws -> DaemonHealth {
        DaemonHealth(daemon: try database.daemonStatus(), pollInterval: config.mailbox.pollInterval, now: now())
    }

    public func metrics() throws -> ChannelMetrics {
        let owed = try owedDeadlines()
        return ChannelMetrics(
            counts: try database.storeCounts(), slaOwed: owed.entries.count + owed.undated.count,
            slaBreached: owed.entries.filter(\.breached).count, health: try daemonHealth())
    }
}
