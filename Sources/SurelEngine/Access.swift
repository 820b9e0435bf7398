// Who may read confidential tickets (Pengaduan, and any category the taxonomy marks confidential): the people named
// in `[access] confidential_readers`, nobody else. Others see that such a ticket exists (number, status, category,
// dates: the reports count it) but not who wrote it, what about, or its messages, and cannot act on it.
// The CLI cannot authenticate the person at the keyboard; it takes the name given with `--as` (else `[agent] name`,
// else the login name). The store's file permissions remain the boundary against someone who means harm; this
// keeps complaints away from the eyes of agents who must not see them in their daily work.
import Foundation
import SurelStore

public struct AccessPolicy: Sendable {
    /// Lowercased names.
    let readers: Set<String>
    /// The taxonomy's confidential categories: the only categories a redacted ticket shows.
    let confidentialCategories: Set<String>

    public init(_ config: SurelConfig) {
        readers = Set(config.confidentialReaders.map { $0.lowercased() })
        confidentialCategories = config.taxonomy.confidentialSlugs
    }

    /// Whether `actor` may read and act on `t`.
    public func mayRead(_ t: Ticket, for actor: Actor) -> Bool {
        !t.confidential || actor.mayReadConfidential
    }

    /// Throws when `actor` may not read or act on `t`.
    public func require(_ t: Ticket, for actor: Actor) throws {
        guard mayRead(t, for: actor) else { throw Self.refusal(t, actor.name) }
    }

    /// The actor of this name with the rights the configuration gives it.
    public func actor(named name: String) -> Actor { Actor(name: name, mayReadConfidential: isReader(name)) }

    static func refusal(_ t: Ticket, _ name: String) -> SurelError {
        SurelError(
            .refused,
            "tiket \(t.number) bersifat rahasia: hanya petugas yang tercantum "
                + "di [access] confidential_readers yang dapat membuka dan menanganinya (bertindak sebagai \(name))")
    }

    /// Whether `name` may read every confidential ticket.
    public func isReader(_ name: String) -> Bool { readers.contains(name.lowercased()) }

    /// What a person who may not read confidential tickets sees of outgoing mail about one: that it exists and
    /// how it fared, not to whom it went (an SMTP error names the recipient too).
    public func redacted(_ o: OutboxItem, _ footprint: ConfidentialFootprint, for actor: Actor) -> OutboxItem {
        guard !actor.mayReadConfidential, footprint.touches(o) else { return o }
        var r = o
        r.recipients = "(rahasia)"
        if r.lastError != nil { r.lastError = "(rahasia)" }
        return r
    }

    /// What a person who may not read `t` sees of it: that it exists (number, status, dates, and the category
    /// when it is Pengaduan), not who wrote it or from where, what about, or how sure the classifier was. Its
    /// sender class and confidence are overwritten here (a list shows them as unknown, see TicketSummary); the
    /// category of a held ticket (or of one confidential because it continues a complaint) is its topic, so it
    /// shows as "(rahasia)".
    public func redacted(_ t: Ticket, for actor: Actor) -> Ticket {
        guard !mayRead(t, for: actor) else { return t }
        var r = t
        if !confidentialCategories.contains(t.category) { r.category = "(rahasia)" }
        r.escalatedTo = nil
        r.senderName = nil
        r.senderEmail = "(rahasia)"
        r.subject = "(rahasia)"
        r.normalizedSubject = ""
        r.classificationNote = ""
        r.region = nil; r.province = nil; r.timeZone = nil
        r.senderClass = .lainnya; r.confidence = 0
        return r
    }
}
