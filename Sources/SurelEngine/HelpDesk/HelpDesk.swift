// HelpDesk: the one place where what agents, the supervisor, blast staff and ops see and do is decided. Every
// front end (the CLI today, the web console next) asks it and only formats the answer, so they cannot disagree —
// above all on who may see a confidential complaint: each read takes an explicit Actor and applies AccessPolicy
// here, and nowhere else. Its reads are in the HelpDesk+*.swift files; errors a person can cause are SurelError.
import Foundation
import SurelCore
import SurelStore

/// Who asks: a name (shown in the history of what they do) and the rights that name has.
public struct Actor: Sendable, Equatable {
    public var name: String
    /// May read confidential tickets (Pengaduan) and the mail about them.
    public var mayReadConfidential: Bool
    /// A console user's role; nil for the command line, whose boundary is the store's file permissions.
    public var role: UserRole?
    public init(name: String, mayReadConfidential: Bool, role: UserRole? = nil) {
        self.name = name; self.mayReadConfidential = mayReadConfidential; self.role = role
    }

    /// Whether this actor's role allows `area`.
    public func may(_ area: Permission) -> Bool {
        guard let role else { return true }
        switch (role, area) {
        case (.admin, _), (.agent, .tickets), (.supervisor, .tickets), (.supervisor, .supervision),
            (.blast, .blasts):
            return true
        default:
            return false
        }
    }
}

/// What a role opens: agents work tickets; the supervisor also the knowledge base, SLA board and reports; blast
/// staff the lists and blasts; admins everything, and operations (quarantine, outgoing mail, users).
public enum Permission: String, Sendable {
    case tickets, supervision, blasts, operations
}

/// What a list shows to an actor, and how many items it left out because they may not see them.
public struct Listing<Item> {
    public var items: [Item]
    public var hidden: Int
}

public final class HelpDesk {
    public let config: SurelConfig
    public let database: SurelDatabase
    let policy: AccessPolicy
    let now: () -> Date
    let owedCache = OwedDeadlines()

    public init(config: SurelConfig, database: SurelDatabase, now: @escaping () -> Date = Date.init) {
        self.config = config; self.database = database; self.now = now
        policy = AccessPolicy(config)
    }

    /// Opens the configuration's store.
    public convenience init(config: SurelConfig) throws {
        self.init(config: config, database: try SurelDatabase(path: config.store.path))
    }

    /// The actor of this name with the rights the configuration gives it (`[access] confidential_readers`).
    public func actor(named name: String) -> Actor {
        policy.actor(named: name)
    }

    /// A console user as an actor: its rights are the account's.
    public func actor(for user: User) -> Actor {
        Actor(name: user.name, mayReadConfidential: user.confidential, role: user.role)
    }

    /// Throws unless `actor`'s role allows `area`.
    func require(_ area: Permission, _ actor: Actor) throws {
        guard actor.may(area) else {
            throw SurelError(
                .refused, "peran \(actor.role?.rawValue ?? "-") tidak mencakup \(area.rawValue) (\(actor.name))")
        }
    }

    // MARK: - Shared pieces

    /// `expecting`: the ticket version the agent saw; the action is refused if the ticket changed since.
    func agentActions(expecting version: Int64? = nil) throws -> AgentActions {
        var a = AgentActions(
            config: config, database: database, templates: try config.mailTemplates(), calendar: config.sla.calendar,
            now: now)
        a.expectedVersion = version
        return a
    }

    /// The ticket, when `actor` may read and act on it.
    func readableTicket(_ number: TicketNumber, as actor: Actor) throws -> Ticket {
        try require(.tickets, actor)
        guard let t = try database.ticket(number: number) else { throw SurelError(.notFound, "no ticket \(number)") }
        try policy.require(t, for: actor)
        return t
    }

    /// Every ticket owed an answer with its deadline (soonest first), and those without one. Computed once per
    /// change of the store's tickets (every change writes a ticket event, so the last event's id names the state)
    /// and kept: the home page, the review queue and the lists ask on every request, and working out a thousand
    /// deadlines each time is most of their work. Whether a deadline has passed is decided now, on every call.
    func owedDeadlines() throws -> (entries: [SLAEntry], undated: [Ticket]) {
        let version = try database.lastTicketEventID()
        let now = now()
        var owed: (entries: [SLAEntry], undated: [Ticket])
        if let kept = owedCache.get(version) {
            owed = kept
        } else {
            owed = try SLA(calendar: config.sla.calendar, hours: config.sla.hours).entries(database, now: now)
            owedCache.set(version, owed)
        }
        for i in owed.entries.indices { owed.entries[i].breached = now > owed.entries[i].due }
        return owed
    }

    /// The footprint of confidential tickets an actor must not see; empty for one who may.
    func footprint(for actor: Actor) throws -> ConfidentialFootprint {
        actor.mayReadConfidential ? ConfidentialFootprint() : try database.confidentialFootprint()
    }
}

/// The owed tickets' deadlines as of one state of the store (see HelpDesk.owedDeadlines).
final class OwedDeadlines: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: (version: Int64, owed: (entries: [SLAEntry], undated: [Ticket]))?

    func get(_ version: Int64) -> (entries: [SLAEntry], undated: [Ticket])? {
        lock.withLock { kept?.version == version ? kept?.owed : nil }
    }

    func set(_ version: Int64, _ owed: (entries: [SLAEntry], undated: [Ticket])) {
        lock.withLock { kept = (version, owed) }
    }
}
