// Agents' actions on a ticket, each one transaction: the status change, the history event naming who acted, the
// mail it sends (queued in the outbox), and the escalation bookkeeping. A mail is never queued for a change that
// did not commit, nor a change committed without its mail.
import Foundation
import GRDB
import SurelCore

public enum TicketAction: Sendable {
    /// An answer to the citizen: status `answered`.
    case answer
    /// A notice to a Layer 2 unit: status `escalated`.
    case escalate(unit: String)
    /// The unit's answer, received another way than by mail: recorded, status unchanged.
    case layer2Answer
    /// The consultation ends: status `closed`.
    case close
}

extension SurelDatabase {
    /// Applies `action` to the ticket `number`; `mail` (given the ticket before the change) makes the mail to queue.
    @discardableResult
    public func act(_ action: TicketAction, on number: TicketNumber, actor: String, note: String? = nil,
                    at now: Date = Date(), mail: ((Ticket) throws -> OutgoingRecord?)? = nil) throws -> Ticket {
        try writer.write { db in
            guard var t = try Ticket.filter(Column("year") == number.year && Column("sequence") == number.sequence)
                .fetchOne(db) else { throw StoreError.noSuchTicket(number) }
            let before = t
            var detail = ""
            switch action {
            case .answer:
                t.status = .answered
                detail = "answered"
            case .escalate(let unit):
                t.status = .escalated
                t.escalatedTo = unit
                t.escalatedAt = now
                t.layer2AnsweredAt = nil
                detail = "escalated to \(unit)"
            case .layer2Answer:
                guard t.escalatedTo != nil else { throw WorkflowError.notEscalated(number) }
                if t.layer2AnsweredAt == nil { t.layer2AnsweredAt = now }
                detail = "answer of \(t.escalatedTo!) recorded"
            case .close:
                t.status = .closed
                t.closedAt = now
                detail = "closed"
            }
            if before.status != t.status { detail += " (\(before.status.rawValue) -> \(t.status.rawValue))" }
            if let note, !note.isEmpty { detail += ": \(note)" }
            t.updatedAt = now
            try t.update(db)
            var e = TicketEvent(id: nil, ticketID: t.id!, at: now, kind: "action", detail: detail, actor: actor)
            try e.insert(db)
            if let mail, let record = try mail(before) { try Self.enqueue(record, at: now, db) }
            return t
        }
    }

    /// A unit's mail joined an escalated ticket: its answer time, once (for the Layer 2 response score).
    static func recordLayer2Answer(_ t: inout Ticket, from sender: String, at now: Date, _ db: Database) throws {
        guard t.status == .escalated, t.layer2AnsweredAt == nil else { return }
        t.layer2AnsweredAt = now
        var e = TicketEvent(id: nil, ticketID: t.id!, at: now, kind: "layer2-answer",
                            detail: "answer of \(t.escalatedTo ?? "the unit") by mail from \(sender)")
        try e.insert(db)
    }
}

public enum WorkflowError: Error, CustomStringConvertible {
    case notEscalated(TicketNumber)
    public var description: String {
        switch self {
        case .notEscalated(let n): return "ticket \(n) was not escalated"
        }
    }
}
