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
    /// `answer` is the text given (kept for the BAK); `bak` the document made on close.
    @discardableResult
    public func act(
        _ action: TicketAction, on number: TicketNumber, actor: String, note: String? = nil,
        answer: String? = nil, bak: (number: String, pdf: Data)? = nil, at now: Date = Date(),
        expectedVersion: Int64? = nil, mail: ((Ticket) throws -> OutgoingRecord?)? = nil
    ) throws -> Ticket {
        try writer.write { db in
            guard var t = try Ticket.fetchOne(db, number: number) else { throw StoreError.noSuchTicket(number) }
            // Checked in the transaction that acts: nothing can change the ticket between the check and the act.
            if let expectedVersion, try Self.version(ticketID: t.id!, db) != expectedVersion {
                throw WorkflowError.changed(number)
            }
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
                try db.execute(
                    sql: "INSERT INTO escalation(ticketID, unit, at) VALUES (?, ?, ?)", arguments: [t.id!, unit, now])
            case .layer2Answer:
                guard let unit = t.escalatedTo else { throw WorkflowError.notEscalated(number) }
                if t.layer2AnsweredAt == nil { t.layer2AnsweredAt = now }
                try Self.markEscalationAnswered(ticketID: t.id!, unit: unit, at: now, db)
                detail = "answer of \(unit) recorded"
            case .close:
                t.status = .closed
                t.closedAt = now
                detail = "closed"
            }
            if before.status != t.status { detail += " (\(before.status.rawValue) -> \(t.status.rawValue))" }
            if let note, !note.isEmpty { detail += ": \(note)" }
            t.updatedAt = now
            try t.update(db)
            var e = TicketEvent(ticketID: t.id!, at: now, kind: .action, detail: detail, actor: actor)
            try e.insert(db)
            if let answer {
                let source: String
                if case .layer2Answer = action { source = "layer2" } else { source = "agent" }
                try db.execute(
                    sql: "INSERT INTO ticketAnswer(ticketID, at, actor, source, text) VALUES (?, ?, ?, ?, ?)",
                    arguments: [t.id!, now, actor, source, answer])
            }
            if let bak {
                try db.execute(
                    sql: "INSERT INTO bak(ticketID, number, pdf, createdAt) VALUES (?, ?, ?, ?)",
                    arguments: [t.id!, bak.number, bak.pdf, now])
            }
            if let mail, let record = try mail(before) { try Self.enqueue(record, at: now, db) }
            return t
        }
    }

    /// The first answer to the unit's latest escalation of the ticket (its Layer 2 response score counts to it).
    static func markEscalationAnswered(ticketID: Int64, unit: String, at now: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                UPDATE escalation SET answeredAt = ? WHERE id = (
                  SELECT id FROM escalation WHERE ticketID = ? AND unit = ? AND answeredAt IS NULL ORDER BY id DESC LIMIT 1)
                """, arguments: [now, ticketID, unit])
    }

    /// A unit's mail joined a ticket escalated to it: the unit's answer; its time, once, scores that unit's
    /// escalation (and the ticket's current one when it is that unit's).
    static func recordLayer2Answer(
        _ t: inout Ticket, unit: String, from sender: String, text: String, at now: Date,
        _ db: Database
    ) throws {
        // Escalated at some time: the agent may have sent the citizen an interim answer meanwhile (status answered).
        guard t.escalatedTo != nil else { return }
        try markEscalationAnswered(ticketID: t.id!, unit: unit, at: now, db)
        try db.execute(
            sql: "INSERT INTO ticketAnswer(ticketID, at, actor, source, text) VALUES (?, ?, ?, 'layer2', ?)",
            arguments: [t.id!, now, sender, text])
        if t.layer2AnsweredAt == nil, t.escalatedTo == unit { t.layer2AnsweredAt = now }
        var e = TicketEvent(
            ticketID: t.id!, at: now, kind: .layer2Answer,
            detail: "answer of \(unit) by mail from \(sender)")
        try e.insert(db)
    }
}

public enum WorkflowError: Error, CustomStringConvertible {
    case notEscalated(TicketNumber)
    /// The ticket changed since the version the agent saw (someone answered, escalated or closed it, or mail came).
    case changed(TicketNumber)
    public var description: String {
        switch self {
        case .notEscalated(let n): return "ticket \(n) was not escalated"
        case .changed(let n):
            return "tiket \(n) berubah sejak Anda membukanya; tindakan Anda tidak dijalankan, periksa dulu perubahannya"
        }
    }
}

extension SurelDatabase {
    /// A ticket's version: its last history event's id (every change of a ticket writes one: mail joining it,
    /// an action, a review). An action given the version the agent saw is refused when it moved.
    public func ticketVersion(_ number: TicketNumber) throws -> Int64? {
        try writer.read { db in
            guard let t = try Ticket.fetchOne(db, number: number) else { return nil }
            return try Self.version(ticketID: t.id!, db)
        }
    }

    /// The id of the last ticket event of all: it moves whenever any ticket changes.
    public func lastTicketEventID() throws -> Int64 {
        try writer.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM ticketEvent") ?? 0 }
    }

    static func version(ticketID: Int64, _ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(id) FROM ticketEvent WHERE ticketID = ?", arguments: [ticketID]) ?? 0
    }
}

public struct TicketAnswer: Sendable {
    public var at: Date
    public var actor: String?
    /// `agent` (to the citizen) or `layer2` (the unit's).
    public var source: String
    public var text: String
}

extension SurelDatabase {
    public func answers(ticketID: Int64) throws -> [TicketAnswer] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT at, actor, source, text FROM ticketAnswer WHERE ticketID = ? ORDER BY id",
                arguments: [ticketID]
            ).map { TicketAnswer(at: $0["at"], actor: $0["actor"], source: $0["source"], text: $0["text"]) }
        }
    }

    /// The ticket's latest BAK: its number and PDF.
    /// How many BAKs the ticket has (one per closing; a reopened ticket closed again gets another).
    public func bakCount(ticketID: Int64) throws -> Int {
        try writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM bak WHERE ticketID = ?", arguments: [ticketID]) ?? 0
        }
    }

    public func bak(ticketID: Int64) throws -> (number: String, pdf: Data)? {
        try writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT number, pdf FROM bak WHERE ticketID = ? ORDER BY id DESC LIMIT 1",
                arguments: [ticketID]
            ).map { ($0["number"], $0["pdf"]) }
        }
    }
}
