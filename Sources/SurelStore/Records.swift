// One record type per table. Column names are the property names; migrations (Schema.swift) name them as strings.
import Foundation
import GRDB
import SurelCore

/// Per-mailbox IMAP position: what has been committed, under which UIDVALIDITY, and how far the server-side
/// action (flag, move, delete) has been done.
public struct MailboxCursor: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "mailboxCursor"
    public var mailbox: String
    public var uidValidity: Int64
    public var lastUID: Int64
    public var updatedAt: Date
    /// Every UID up to this one has had its server-side action; those above it up to `lastUID` are stored but not
    /// yet flagged/moved/deleted (a crash in between): the next cycle does them first.
    public var actionedUID: Int64 = 0
    public init(mailbox: String, uidValidity: Int64, lastUID: Int64, updatedAt: Date, actionedUID: Int64 = 0) {
        self.mailbox = mailbox; self.uidValidity = uidValidity; self.lastUID = lastUID; self.updatedAt = updatedAt
        self.actionedUID = actionedUID
    }
}

public struct Ticket: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    public static let databaseTableName = "ticket"
    public var id: Int64?
    public var year: Int
    public var sequence: Int
    public var status: TicketStatus
    public var category: String
    public var confidence: Double
    public var classificationNote: String
    public var confidential: Bool
    public var subject: String
    public var normalizedSubject: String
    public var senderName: String?
    public var senderEmail: String
    public var senderClass: SenderClass
    public var region: String?
    public var province: String?
    public var timeZone: String?
    /// The earlier (closed) ticket this one continues, when a follow-up came too late to reopen it.
    public var previousTicketID: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var closedAt: Date?
    /// Classified below the confidence threshold (or the spam filter was unsure): waits for an agent.
    public var needsReview: Bool
    /// May be a complaint though classified otherwise: confidential, waiting for a confidential reader to clear it
    /// (it becomes a normal ticket) or confirm it as a complaint; until then nobody escalates it.
    public var held = false
    /// The Layer 2 unit it was escalated to, and when; when the unit answered.
    public var escalatedTo: String? = nil
    public var escalatedAt: Date? = nil
    public var layer2AnsweredAt: Date? = nil

    public var number: TicketNumber { TicketNumber(year: year, sequence: sequence) }

    /// The ticket numbered `number`, if any.
    public static func fetchOne(_ db: Database, number: TicketNumber) throws -> Ticket? {
        try filter(Column("year") == number.year && Column("sequence") == number.sequence).fetchOne(db)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Every message we hold: incoming (ticket, autoreply, bounce, quarantined) and, later, outgoing.
public struct StoredMessage: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    public static let databaseTableName = "message"
    public var id: Int64?
    public var kind: MessageKind
    public var ticketID: Int64?
    /// RFC Message-ID without angle brackets.
    public var messageID: String?
    public var rawSHA256: String
    /// Where the header block of `raw` ends (see IncomingMessage); nil for mail stored before it was kept.
    public var bodyOffset: Int?
    public var raw: Data
    public var size: Int
    public var mailbox: String?
    public var uidValidity: Int64?
    public var uid: Int64?
    public var subject: String
    public var fromName: String?
    public var fromEmail: String?
    public var sentAt: Date?
    public var receivedAt: Date
    /// When the mail was written (its Date header, unless that is in the future): the subject-threading clock.
    public var threadTime: Date
    public var text: String
    public var html: String?
    /// Space-separated Message-IDs.
    public var inReplyTo: String
    public var references: String
    /// Why it was quarantined, why it is an auto-reply, size-limit notes, parser warnings.
    public var note: String?
    public var bounceRecipient: String?
    public var bounceStatus: String?
    public var bounceDiagnostic: String?
    public var bounceOriginalMessageID: String?
    /// Bulk mail (Precedence bulk/list, List-Id): never answered automatically.
    public var isBulk: Bool

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// A message the server never delivered (see IncomingMessage.unfetched): no bytes, only where it is.
    public var isUnfetched: Bool { raw.isEmpty && rawSHA256.hasPrefix(IncomingMessage.unfetchedMarker) }
}

public struct StoredAttachment: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    public static let databaseTableName = "attachment"
    public var id: Int64?
    public var messageRowID: Int64
    /// As the sender named it; display only, never a path.
    public var filename: String?
    public var contentType: String
    public var size: Int
    /// Content address in the attachment directory.
    public var sha256: String
    public var isInline: Bool
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The history of a ticket: created, follow-up joined, reopened, status changes.
public struct TicketEvent: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    public static let databaseTableName = "ticketEvent"
    public var id: Int64?
    public var ticketID: Int64
    public var at: Date
    public var kind: String
    public var detail: String
    /// Who did it (an agent's name); nil for the system.
    public var actor: String? = nil
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension TicketStatus: DatabaseValueConvertible {}
extension MessageKind: DatabaseValueConvertible {}
extension SenderClass: DatabaseValueConvertible {}

/// An agent's review of a ticket's category: accepted as it was (from == to) or corrected.
public struct ClassificationReview: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    public static let databaseTableName = "classificationReview"
    public var id: Int64?
    public var ticketID: Int64
    public var at: Date
    public var reviewer: String
    public var fromCategory: String
    public var toCategory: String
    public init(id: Int64? = nil, ticketID: Int64, at: Date, reviewer: String, fromCategory: String, toCategory: String)
    {
        self.id = id; self.ticketID = ticketID; self.at = at; self.reviewer = reviewer
        self.fromCategory = fromCategory; self.toCategory = toCategory
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A trained classifier, stored as an opaque blob (SurelEngine encodes it).
public struct StoredModel: Sendable {
    public var name: String
    public var data: Data
    public var trainedOn: String
    public var version: Int64
    public var updatedAt: Date
}

// Hand-written columns for the records written or read once per ingested message: GRDB's Codable path (an Encoder
// per insert, a Decoder per fetched row) was a noticeable part of ingest's CPU. Same column names and values as
// the Codable form, which the other records and the JSON output still use.
extension Ticket {
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id; container["year"] = year; container["sequence"] = sequence
        container["status"] = status; container["category"] = category; container["confidence"] = confidence
        container["classificationNote"] = classificationNote; container["confidential"] = confidential
        container["subject"] = subject; container["normalizedSubject"] = normalizedSubject
        container["senderName"] = senderName; container["senderEmail"] = senderEmail
        container["senderClass"] = senderClass; container["region"] = region; container["province"] = province
        container["timeZone"] = timeZone; container["previousTicketID"] = previousTicketID
        container["createdAt"] = StoredDate.value(createdAt); container["updatedAt"] = StoredDate.value(updatedAt)
        container["closedAt"] = StoredDate.value(closedAt)
        container["needsReview"] = needsReview; container["held"] = held; container["escalatedTo"] = escalatedTo
        container["escalatedAt"] = StoredDate.value(escalatedAt)
        container["layer2AnsweredAt"] = StoredDate.value(layer2AnsweredAt)
    }

    public init(row: Row) throws {
        id = row["id"]; year = row["year"]; sequence = row["sequence"]; status = row["status"]
        category = row["category"]; confidence = row["confidence"]; classificationNote = row["classificationNote"]
        confidential = row["confidential"]; subject = row["subject"]; normalizedSubject = row["normalizedSubject"]
        senderName = row["senderName"]; senderEmail = row["senderEmail"]; senderClass = row["senderClass"]
        region = row["region"]; province = row["province"]; timeZone = row["timeZone"]
        previousTicketID = row["previousTicketID"]; createdAt = row["createdAt"]; updatedAt = row["updatedAt"]
        closedAt = row["closedAt"]; needsReview = row["needsReview"]; held = row["held"]
        escalatedTo = row["escalatedTo"]
        escalatedAt = row["escalatedAt"]; layer2AnsweredAt = row["layer2AnsweredAt"]
    }
}

/// A mail ingest did not store because it was already stored: what matched, and where the copy came from. Its
/// bytes are kept when they differ from the stored message's (only trace or other header fields can).
public struct DuplicateRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    public static let databaseTableName = "duplicate"
    public var id: Int64?
    public var matchedMessageRowID: Int64
    /// True: byte for byte the stored message. False: same Message-ID, sender, subject, date and content.
    public var sameBytes: Bool
    public var mailbox: String?
    public var uidValidity: Int64?
    public var uid: Int64?
    public var rawSHA256: String
    public var raw: Data?
    public var receivedAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id; container["matchedMessageRowID"] = matchedMessageRowID; container["sameBytes"] = sameBytes
        container["mailbox"] = mailbox; container["uidValidity"] = uidValidity; container["uid"] = uid
        container["rawSHA256"] = rawSHA256; container["raw"] = raw;
        container["receivedAt"] = StoredDate.value(receivedAt)
    }
}

extension StoredMessage {
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id; container["kind"] = kind; container["ticketID"] = ticketID
        container["messageID"] = messageID; container["rawSHA256"] = rawSHA256; container["bodyOffset"] = bodyOffset
        container["raw"] = raw
        container["size"] = size; container["mailbox"] = mailbox; container["uidValidity"] = uidValidity
        container["uid"] = uid; container["subject"] = subject; container["fromName"] = fromName
        container["fromEmail"] = fromEmail; container["sentAt"] = StoredDate.value(sentAt)
        container["receivedAt"] = StoredDate.value(receivedAt); container["threadTime"] = StoredDate.value(threadTime)
        container["text"] = text; container["html"] = html
        container["inReplyTo"] = inReplyTo; container["references"] = references; container["note"] = note
        container["bounceRecipient"] = bounceRecipient; container["bounceStatus"] = bounceStatus
        container["bounceDiagnostic"] = bounceDiagnostic; container["bounceOriginalMessageID"] = bounceOriginalMessageID
        container["isBulk"] = isBulk
    }
}

extension StoredAttachment {
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id; container["messageRowID"] = messageRowID; container["filename"] = filename
        container["contentType"] = contentType; container["size"] = size; container["sha256"] = sha256
        container["isInline"] = isInline
    }
}

extension TicketEvent {
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id; container["ticketID"] = ticketID; container["at"] = StoredDate.value(at)
        container["kind"] = kind; container["detail"] = detail; container["actor"] = actor
    }
}
