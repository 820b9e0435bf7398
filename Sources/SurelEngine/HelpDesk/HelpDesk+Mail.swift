// HelpDesk: mail that opened no ticket (auto-replies, bounces, quarantine, duplicates) and the outbox, with the
// confidential tickets' traces left out or redacted for an actor who may not read them; and what ops do with
// them: retry a quarantined or an outgoing mail, queue a test mail.
import Foundation
import Logging
import SurelCore
import SurelMail
import SurelStore

/// A mail ingest did not store because it had it already, with the message it matched and that message's ticket.
public struct DuplicateEntry: Sendable {
    public var duplicate: DuplicateRecord
    public var matched: StoredMessage
    public var ticket: Ticket?
}

extension HelpDesk {
    // MARK: - Reads

    /// Messages of one kind, without those of or about a confidential ticket for an actor who may not read it.
    public func messages(kind: MessageKind, as actor: Actor) throws -> Listing<StoredMessage> {
        try require(.operations, actor)
        let all = try database.messages(kind: kind)
        let footprint = try footprint(for: actor)
        let shown = all.filter { !footprint.touches($0) }
        return Listing(items: shown, hidden: all.count - shown.count)
    }

    /// Every recorded duplicate, the same way.
    public func duplicates(as actor: Actor) throws -> Listing<DuplicateEntry> {
        try require(.operations, actor)
        let all = try database.duplicates().map {
            DuplicateEntry(duplicate: $0.duplicate, matched: $0.matched, ticket: $0.ticket)
        }
        let footprint = try footprint(for: actor)
        let shown = all.filter {
            !footprint.touches($0.matched) && !($0.ticket.map { !policy.mayRead($0, for: actor) } ?? false)
        }
        return Listing(items: shown, hidden: all.count - shown.count)
    }

    /// Outgoing mail, oldest first: mail about a confidential ticket (or to its sender) shows neither its
    /// recipients nor the server's words to an actor who may not read it.
    public func outbox(failedOnly: Bool = false, as actor: Actor) throws -> [OutboxItem] {
        try require(.operations, actor)
        let footprint = try footprint(for: actor)
        return try database.outbox(status: failedOnly ? .failed : nil).map {
            policy.redacted($0, footprint, for: actor)
        }
    }

    /// A quarantined message's bytes as they came (ops look at what the parser refused), unless it is one of or
    /// about a confidential ticket the actor may not read.
    public func quarantinedRaw(_ id: Int64, as actor: Actor) throws -> Data {
        // The listing leaves the bytes out (it would read every quarantined mail whole); this one is read alone.
        guard try messages(kind: .quarantined, as: actor).items.contains(where: { $0.id == id }),
            let m = try database.message(rowID: id)
        else {
            throw SurelError(.notFound, "no quarantined message \(id)")
        }
        return m.raw
    }

    // MARK: - Actions

    /// Queues a failed or waiting mail to be sent at the daemon's next round.
    public func retryOutbox(_ id: Int64, as actor: Actor) throws {
        try require(.operations, actor)
        guard try database.retryOutbox(id, now: now()) else {
            throw SurelError(.notFound, "no failed or waiting mail with id \(id)")
        }
    }

    /// Queues a test mail to `address` (checks the [smtp] settings end to end).
    public func queueTestMail(to address: String) throws -> (id: Int64, messageID: String, to: String) {
        let smtp = try config.requireSMTP()
        guard let rcpt = MailAddress.parse(address) else { throw SurelError(.invalid, "not an address: \(address)") }
        var mail = OutgoingMail(
            from: smtp.from, to: [rcpt], subject: "Uji kirim surel — Contact Center DJPK",
            text: "Ini surel uji dari sistem surel Contact Center DJPK.\nTidak perlu dibalas.")
        mail.automatic = true
        let record = mail.record(ticketID: nil, purpose: .test, messageIDDomain: smtp.messageIDDomain)
        let item = try database.enqueue(record, at: now())
        return (item.id!, record.messageID, rcpt.email)
    }

    /// Parses a quarantined message again and files it (one the server never delivered is fetched again).
    /// Throws `.failed` with the reason when it is still quarantined.
    public func retryQuarantined(_ id: Int64, force: Bool, logger: Logger, as actor: Actor) throws -> IngestOutcome {
        try require(.operations, actor)
        let classifiers = ClassifierService(database: database, settings: config.classify, taxonomy: config.taxonomy)
        try classifiers.prepare()
        let ingestor = Ingestor(
            config: config, database: database,
            attachments: try AttachmentDirectory(path: config.store.attachments),
            source: CurlIMAPSource(endpoint: config.mailbox.endpoint),
            classifiers: classifiers, logger: logger)
        let outcome = try ingestor.retryQuarantined(rowID: id, force: force)
        if case .recorded(.quarantined) = outcome {
            throw SurelError(.failed, "masih dikarantina: \(try database.message(rowID: id)?.note ?? "")")
        }
        return outcome
    }
}
