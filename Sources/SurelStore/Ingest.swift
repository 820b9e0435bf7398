// The inputs and outputs of SurelDatabase.storeIncoming.
import Foundation
import SurelCore

/// An attachment already written to the content-addressed attachment directory.
public struct AttachmentRef: Sendable {
    public var filename: String?
    public var contentType: String
    public var size: Int
    public var sha256: String
    public var isInline: Bool
    public init(filename: String?, contentType: String, size: Int, sha256: String, isInline: Bool) {
        self.filename = filename; self.contentType = contentType; self.size = size; self.sha256 = sha256
        self.isInline = isInline
    }
}

public struct IncomingMessage: Sendable {
    public var kind: MessageKind
    public var messageID: String?
    public var rawSHA256: String
    /// Where the header block of `raw` ends: a mail is only a duplicate of a stored one with the same Message-ID,
    /// sender, subject and date when the bytes from here on match too (nil: never such a duplicate).
    public var bodyOffset: Int?
    public var raw: Data
    public var mailbox: String?
    public var uidValidity: Int64?
    public var uid: Int64?
    public var subject: String
    public var fromName: String?
    public var fromEmail: String?
    public var sentAt: Date?
    public var receivedAt: Date
    public var threadTime: Date
    public var text: String
    public var html: String?
    public var inReplyTo: [String]
    public var references: [String]
    public var note: String?
    public var bounce: DeliveryStatusSummary?
    public var isBulk: Bool
    public var attachments: [AttachmentRef]

    public init(
        kind: MessageKind, messageID: String?, rawSHA256: String, raw: Data, mailbox: String?,
        uidValidity: Int64?, uid: Int64?, subject: String, fromName: String?, fromEmail: String?,
        sentAt: Date?, receivedAt: Date, threadTime: Date, text: String, html: String?, inReplyTo: [String],
        references: [String], note: String?, bounce: DeliveryStatusSummary?, isBulk: Bool,
        attachments: [AttachmentRef]
    ) {
        self.kind = kind; self.messageID = messageID; self.rawSHA256 = rawSHA256; self.raw = raw
        self.mailbox = mailbox; self.uidValidity = uidValidity; self.uid = uid; self.subject = subject
        self.fromName = fromName; self.fromEmail = fromEmail; self.sentAt = sentAt; self.receivedAt = receivedAt
        self.threadTime = threadTime; self.text = text; self.html = html; self.inReplyTo = inReplyTo;
        self.references = references
        self.note = note; self.bounce = bounce; self.isBulk = isBulk; self.attachments = attachments
    }

    /// What is recorded of a message the server would not deliver: quarantined, without bytes, with `note`.
    /// Its rawSHA256 is a marker, `unfetchedMarker` and where it is, not a hash: there are no bytes to hash.
    public static func unfetched(mailbox: String, uidValidity: Int64, uid: Int64, at: Date, note: String)
        -> IncomingMessage
    {
        IncomingMessage(
            kind: .quarantined, messageID: nil, rawSHA256: "\(unfetchedMarker)\(mailbox)#\(uidValidity)#\(uid)",
            raw: Data(), mailbox: mailbox, uidValidity: uidValidity, uid: uid, subject: "", fromName: nil,
            fromEmail: nil, sentAt: nil, receivedAt: at, threadTime: at, text: "", html: nil, inReplyTo: [],
            references: [], note: note, bounce: nil, isBulk: false, attachments: [])
    }

    static let unfetchedMarker = "unfetched:"

    func record(ticketID: Int64?) -> StoredMessage {
        StoredMessage(
            id: nil, kind: kind, ticketID: ticketID, messageID: messageID, rawSHA256: rawSHA256,
            bodyOffset: bodyOffset, raw: raw,
            size: raw.count, mailbox: mailbox, uidValidity: uidValidity, uid: uid, subject: subject,
            fromName: fromName, fromEmail: fromEmail, sentAt: sentAt, receivedAt: receivedAt, threadTime: threadTime,
            text: text,
            html: html, inReplyTo: inReplyTo.joined(separator: " "),
            references: references.joined(separator: " "), note: note,
            bounceRecipient: bounce?.recipient, bounceStatus: bounce?.status,
            bounceDiagnostic: bounce?.diagnostic, bounceOriginalMessageID: bounce?.originalMessageID,
            isBulk: isBulk)
    }
}

/// What a bounce tells about the mail it returns.
public struct DeliveryStatusSummary: Sendable, Equatable {
    public var recipient: String?
    public var status: String?
    public var diagnostic: String?
    /// Message-ID (without brackets) of the message that could not be delivered: links the bounce to our outbox.
    public var originalMessageID: String?
    public init(recipient: String?, status: String?, diagnostic: String?, originalMessageID: String?) {
        self.recipient = recipient; self.status = status; self.diagnostic = diagnostic
        self.originalMessageID = originalMessageID
    }
}

/// How to find or open the ticket of a message of kind `.ticket`.
public struct TicketIntent: Sendable {
    public var ticketNumberInSubject: TicketNumber?
    /// In-Reply-To then References, oldest first.
    public var referencedMessageIDs: [String]
    public var normalizedSubject: String
    public var senderEmail: String
    public var senderProfile: SenderProfile
    public var receivedAt: Date
    /// When the mail was written (its Date header when plausible, else receivedAt): the subject window is
    /// measured between such times, so a batch of old mail read at once threads as it was written.
    public var threadTime: Date
    /// Same subject from the same sender within this many seconds joins the ticket (default 3 days).
    public var subjectWindow: TimeInterval
    /// A follow-up to a closed ticket within this many seconds of closing reopens it (default 7 days).
    public var reopenWindow: TimeInterval
    /// Year for a new ticket's number.
    public var year: Int
    public var confidentialCategories: Set<String>
    /// A new ticket classified below this confidence goes to the review queue.
    public var reviewThreshold: Double
    /// Called only when a new ticket is opened: follow-ups keep their ticket's category.
    public var classify: @Sendable () -> Classification
    /// Called with a newly opened ticket, inside its transaction: the automatic mail (acknowledgement, receipt)
    /// to queue with it, if any. nil: no automatic mail.
    public var acknowledge: (@Sendable (Ticket) -> OutgoingRecord?)? = nil
    /// At most this many automatic mails to one address per hour (a loop with another autoresponder stops here).
    public var automaticMailsPerHour = 5
    /// The Layer 2 units by address (lowercased): their mail on an escalated ticket is that unit's answer.
    public var layer2Units: [String: String] = [:]

    public init(
        ticketNumberInSubject: TicketNumber?, referencedMessageIDs: [String], normalizedSubject: String,
        senderEmail: String, senderProfile: SenderProfile, receivedAt: Date, threadTime: Date,
        subjectWindow: TimeInterval,
        reopenWindow: TimeInterval, year: Int, confidentialCategories: Set<String>, reviewThreshold: Double = 0,
        classify: @escaping @Sendable () -> Classification
    ) {
        self.ticketNumberInSubject = ticketNumberInSubject; self.referencedMessageIDs = referencedMessageIDs
        self.normalizedSubject = normalizedSubject; self.senderEmail = senderEmail; self.senderProfile = senderProfile
        self.receivedAt = receivedAt; self.threadTime = threadTime; self.subjectWindow = subjectWindow;
        self.reopenWindow = reopenWindow
        self.year = year; self.confidentialCategories = confidentialCategories; self.reviewThreshold = reviewThreshold
        self.classify = classify
    }
}

public struct CursorAdvance: Sendable {
    public var mailbox: String
    public var uidValidity: Int64
    public var uid: Int64
    public var at: Date
    public init(mailbox: String, uidValidity: Int64, uid: Int64, at: Date = Date()) {
        self.mailbox = mailbox; self.uidValidity = uidValidity; self.uid = uid; self.at = at
    }
}

public enum IngestOutcome: Equatable, Sendable {
    /// Already stored (the same raw bytes, or the same Message-ID, sender, subject, date and content): recorded in
    /// the `duplicate` table with the message it matched; no message row, no ticket change.
    case duplicate
    case newTicket(TicketNumber)
    case joined(TicketNumber, reopened: Bool)
    /// A follow-up to a ticket closed too long ago: a new ticket linked to the old one.
    case newLinked(TicketNumber, previous: TicketNumber)
    /// Auto-reply, bounce or quarantined: recorded, no ticket.
    case recorded(MessageKind)
}
