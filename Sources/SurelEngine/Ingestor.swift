// The ingest pipeline: mailbox -> parse -> triage -> one transaction (message, ticket change, cursor) ->
// durability barrier -> flag/move/delete on the server. A crash anywhere loses nothing and duplicates nothing:
// the cursor advances in the same transaction as the message, and raw bytes already stored are not stored again.
import Foundation
import Logging
import SurelCore
import SurelMail
import SurelStore

public struct CycleReport: Sendable, Equatable {
    public var fetched = 0
    public var newTickets = 0
    public var joined = 0
    public var autoReplies = 0
    public var bounces = 0
    public var quarantined = 0
    /// Requests to receive no more blasts (their senders were suppressed).
    public var unsubscribes = 0
    public var duplicates = 0
    public var vanished = 0
    public var stoppedEarly = false
    public init() {}
}

public final class Ingestor {
    let config: SurelConfig
    let database: SurelDatabase
    let attachments: AttachmentDirectory
    let source: MailSource
    /// Classifies new tickets; nil: every ticket is `unclassified` (and waits for review).
    let classifiers: ClassifierService?
    /// Queues the acknowledgement of each new ticket; nil: none are sent (no [smtp]).
    let acknowledger: Acknowledger?
    let logger: Logger
    let now: () -> Date
    /// Server-side actions are done in batches of this many UIDs after one durability barrier.
    let batchSize = 200
    /// A message whose fetch fails in this many cycles, over at least `fetchFailureSpan` (Dovecot drops the
    /// connection when it cannot read the file; another server may answer NO), is recorded as quarantined without
    /// bytes and passed over, left untouched on the server, so that it does not hold up the mail behind it. Only
    /// failures of that message's FETCH count, not a failed connect or login; the span keeps a passing network
    /// fault (backoff retries within seconds) from passing over healthy mail.
    let fetchAttemptsBeforeSkipping = 5
    let fetchFailureSpan: TimeInterval = 600
    /// From the configuration, once (every message's ticket intent carries them).
    let layer2Units: [String: String]
    let confidentialCategories: Set<String>
    /// Which message is being parsed, so a crash in the parser is not repeated at the next start (ParseJournal).
    let journal: ParseJournal?

    public init(
        config: SurelConfig, database: SurelDatabase, attachments: AttachmentDirectory, source: MailSource,
        classifiers: ClassifierService? = nil, acknowledger: Acknowledger? = nil, logger: Logger,
        now: @escaping () -> Date = Date.init
    ) {
        self.config = config; self.database = database; self.attachments = attachments; self.source = source
        self.classifiers = classifiers; self.acknowledger = acknowledger; self.logger = logger; self.now = now
        do { journal = try ParseJournal.forStore(config.store.path) } catch {
            journal = nil
            logger.error(
                "no parse journal: a crash in the parser would repeat at every start", metadata: ["error": "\(error)"])
        }
        layer2Units = Dictionary(
            config.units.map { ($0.value.email.lowercased(), $0.key) }, uniquingKeysWith: { a, _ in a })
        confidentialCategories = config.taxonomy.confidentialSlugs
    }

    /// The cursor key of the configured mailbox: one cursor per account and folder.
    public var mailboxKey: String {
        let e = config.mailbox.endpoint
        return "\(e.user)@\(e.host):\(e.port.map(String.init) ?? e.scheme)/\(e.folder)"
    }

    /// One full cycle: everything new in the mailbox is stored. Throws on IMAP errors (the caller backs off);
    /// `shouldStop` is checked between messages so SIGTERM finishes the current message only.
    public func runCycle(shouldStop: () -> Bool = { false }, progress: () -> Void = {}) throws -> CycleReport {
        var report = CycleReport()
        // An agent's correction since the last cycle changed the stored model: classify with the new one.
        do { try classifiers?.refresh() } catch {
            logger.error("cannot reload the classifier model; keeping the loaded one", metadata: ["error": "\(error)"])
        }
        try noteCrashedRetries()
        let status = try source.status()
        var cursor = try database.cursor(mailbox: mailboxKey)
        // After a UIDVALIDITY change every message may already be stored: check before parsing.
        var rereading = false
        if cursor == nil || cursor!.uidValidity != status.uidValidity {
            if let old = cursor {
                rereading = true
                logger.warning(
                    "mailbox UIDVALIDITY changed: re-reading it, stored messages are not stored again",
                    metadata: [
                        "mailbox": "\(source.displayName)", "old": "\(old.uidValidity)",
                        "new": "\(status.uidValidity)",
                    ])
            }
            try database.resetCursor(mailbox: mailboxKey, uidValidity: status.uidValidity, now: now())
            cursor = try database.cursor(mailbox: mailboxKey)
        }
        let validity = status.uidValidity
        for case .mailbox(let v, let uid) in journal?.crashed ?? [] where v != validity || uid <= cursor!.lastUID {
            journal?.settled(.mailbox(uidValidity: v, uid: uid))
        }
        let actioned = min(cursor!.actionedUID, cursor!.lastUID)
        let found = try source.uids(above: actioned, uidValidity: validity, uidNext: status.uidNext)
        // Left by a crash: stored (the cursor is past them) but not yet flagged/moved/deleted. Done now, on this
        // connection, before anything new.
        if actioned < cursor!.lastUID {
            let unfetched = try database.unfetchedUIDs(mailbox: mailboxKey, uidValidity: validity)
            try applyServerActions(
                found.filter { $0 <= cursor!.lastUID && !unfetched.contains($0) },
                through: cursor!.lastUID, uidValidity: validity, on: source)
        }
        let uids = found.filter { $0 > cursor!.lastUID }
        guard !uids.isEmpty else { return report }

        // The prefetch thread's own connection, new each poll: one kept from the last poll has the folder
        // selected as it was then, and Dovecot refuses a FETCH of a mail that came since (it would be fetched only
        // a poll later, after a logged failure).
        let prefetcher = Prefetcher(
            source: source.sibling(), uids: uids, uidValidity: validity,
            whileWaiting: { $0.classification?.computeIfFree() ?? false }
        ) { [self] uid, raw, sha in
            prepare(raw: raw, sha256: sha, uid: uid, uidValidity: validity, checkDuplicateFirst: rereading)
        }
        defer { prefetcher.cancel() }
        // From here on the mailbox is flagged through the prefetch connection (see Prefetcher), in the
        // background: the barrier's wait for the disk overlaps with storing the next batch. A batch is every UID
        // the cursor passed since the last one (stored, already stored, or vanished): the action applies to all.
        var processed: [Int64] = []
        let scheduleFlush = { [self] in
            guard let through = processed.last else { return }
            let batch = processed
            processed.removeAll()
            try prefetcher.enqueue { [self] source in
                try applyServerActions(batch, through: through, uidValidity: validity, on: source)
            }
        }
        while let item = prefetcher.next(heartbeat: progress) {
            if shouldStop() { report.stoppedEarly = true; break }
            let advance = CursorAdvance(mailbox: mailboxKey, uidValidity: validity, uid: item.uid, at: now())
            let fetched: PreparedMessage?
            do { fetched = try item.result.get() } catch {
                guard try passOverUnfetchable(error, cursor: advance) else {
                    if let e = error as? IMAPError, Self.isMessageFailure(e) {
                        throw MessageFetchFailure(uid: item.uid, error: e)
                    }
                    throw error
                }
                report.quarantined += 1
                break  // the prefetcher stopped at the failure: the mail after it comes in the next cycle
            }
            guard let prepared = fetched else {
                try database.advanceCursor(advance)
                report.vanished += 1
                processed.append(item.uid)
                continue
            }
            report.fetched += 1
            let outcome = try commit(prepared, cursor: advance)
            journal?.settled(.mailbox(uidValidity: validity, uid: item.uid))
            count(outcome, into: &report)
            processed.append(item.uid)
            if processed.count >= batchSize { try scheduleFlush() }
            progress()
        }
        try scheduleFlush()
        try prefetcher.waitForJobs()
        return report
    }

    /// Counts a failed FETCH against its message (a refusal, or the answer breaking off mid-transfer: a server that
    /// drops the connection whenever it reads one message looks so); once it failed `fetchAttemptsBeforeSkipping`
    /// cycles over `fetchFailureSpan`, records it as quarantined without bytes (the cursor passes it, no
    /// server-side action touches it) and returns true.
    private func passOverUnfetchable(_ error: Error, cursor: CursorAdvance) throws -> Bool {
        guard let e = error as? IMAPError, Self.isMessageFailure(e) else { return false }
        let at = now()
        let (failures, since) = try database.countFetchFailure(
            mailbox: mailboxKey, uidValidity: cursor.uidValidity,
            uid: cursor.uid, error: "\(e)", at: at)
        guard failures >= fetchAttemptsBeforeSkipping, at.timeIntervalSince(since) >= fetchFailureSpan else {
            return false
        }
        let minutes = Int(at.timeIntervalSince(since) / 60)
        let note =
            "server failed to deliver it in \(failures) cycles over \(minutes) min (\(e)): left in the mailbox "
            + "untouched (not flagged, moved or deleted); `surel quarantine retry` fetches it again"
        _ = try database.storeIncoming(
            .unfetched(
                mailbox: mailboxKey, uidValidity: cursor.uidValidity, uid: cursor.uid,
                at: at, note: note), ticket: nil, cursor: cursor)
        logger.error(
            "message passed over: the server cannot deliver it",
            metadata: ["uid": "\(cursor.uid)", "failures": "\(failures)", "error": "\(e)"])
        return true
    }

    /// A retry that died in the parser: its row says so, and is not parsed again without `force`.
    func noteCrashedRetries() throws {
        for case .quarantined(let rowID) in journal?.crashed ?? [] {
            try database.noteQuarantined(rowID: rowID, note: ParseJournal.crashNote + " (during quarantine retry)")
            journal?.settled(.quarantined(rowID: rowID))
            logger.error("the parser crashed while retrying a quarantined message", metadata: ["id": "\(rowID)"])
        }
    }

    /// A failure of one message's FETCH (a refusal, or the answer breaking off mid-transfer), as opposed to the
    /// mailbox being unreachable.
    static func isMessageFailure(_ e: IMAPError) -> Bool {
        switch e {
        case .fetchRefused: return true
        case .transport(let curl): return curl.brokeMidTransfer
        case .uidValidityChanged, .unexpectedResponse: return false
        }
    }

    /// One message could not be fetched this cycle: its problem (counted, passed over after
    /// `fetchAttemptsBeforeSkipping` cycles), not an outage of the mailbox. The mail before it is stored.
    public struct MessageFetchFailure: Error, CustomStringConvertible {
        public var uid: Int64
        public var error: IMAPError
        public var description: String { "message UID \(uid) could not be fetched this cycle: \(error)" }
    }

    public struct RetryRefused: Error, CustomStringConvertible {
        public var description: String
        /// There is no such message (rather than one that may not be retried now).
        public var isMissing = false
    }

    /// Files a quarantined message again: parsed from its stored bytes, or, for one the server never delivered,
    /// fetched again (and then flagged/moved/deleted like any other).
    /// A message the parser crashed on (noted so) is parsed again only with `force` (after an update of surel).
    public func retryQuarantined(rowID: Int64, force: Bool = false) throws -> IngestOutcome {
        try noteCrashedRetries()
        guard let m = try database.message(rowID: rowID), m.kind == .quarantined else {
            throw RetryRefused(description: "no quarantined message with id \(rowID)", isMissing: true)
        }
        if !force, m.note?.hasPrefix(ParseJournal.crashNote) == true {
            throw RetryRefused(
                description: "the parser crashed on message \(rowID): it is parsed again only with --force")
        }
        guard m.isUnfetched, let uid = m.uid, let validity = m.uidValidity else {
            return try ingest(
                raw: m.raw, uid: m.uid, uidValidity: m.uidValidity, cursor: nil, replacingQuarantined: rowID)
        }
        guard m.mailbox == mailboxKey, try source.status().uidValidity == validity,
            let raw = try source.fetch(uid: uid, uidValidity: validity)
        else {
            throw RetryRefused(description: "message UID \(uid) is no longer in \(source.displayName)", isMissing: true)
        }
        // Stored now, with its bytes (filed, or quarantined again for its content like any unparsable mail): the
        // server-side action follows. The cursor's range already passed this UID: only the action is left to do.
        let outcome = try ingest(raw: raw, uid: uid, uidValidity: validity, cursor: nil, replacingQuarantined: rowID)
        try applyServerActions([uid], through: 0, uidValidity: validity, on: source)
        return outcome
    }

    /// Parses, triages and stores one raw message (with the cursor advance when it came from the mailbox).
    /// Never throws for a bad message: that is quarantined. Throws only when the store itself fails.
    @discardableResult
    public func ingest(
        raw: Data, sha256: String? = nil, uid: Int64?, uidValidity: Int64?, cursor: CursorAdvance?,
        replacingQuarantined rowID: Int64? = nil, checkDuplicateFirst: Bool = true
    ) throws -> IngestOutcome {
        let prepared = prepare(
            raw: raw, sha256: sha256, uid: uid, uidValidity: uidValidity,
            checkDuplicateFirst: checkDuplicateFirst && rowID == nil && cursor != nil,
            journalEntry: rowID.map { .quarantined(rowID: $0) })
        return try commit(prepared, cursor: cursor, replacingQuarantined: rowID)
    }

    /// A message made ready to store: everything that needs no write to the database.
    struct PreparedMessage {
        var message: IncomingMessage
        var intent: TicketIntent?
        /// The ticket classification, computed by whichever thread has time first (see LazyClassification).
        var classification: LazyClassification?
    }

    /// Stores a prepared message in one transaction with its ticket change and the cursor advance.
    func commit(_ p: PreparedMessage, cursor: CursorAdvance?, replacingQuarantined rowID: Int64? = nil) throws
        -> IngestOutcome
    {
        try database.storeIncoming(p.message, ticket: p.intent, cursor: cursor, replacingQuarantined: rowID)
    }

    /// Hashes, parses and triages a raw message, and writes its attachments: the part of ingest that needs no
    /// transaction, so it runs on the prefetch thread while the main thread stores the message before.
    func prepare(
        raw: Data, sha256: String?, uid: Int64?, uidValidity: Int64?, checkDuplicateFirst: Bool,
        journalEntry: ParseJournal.Entry? = nil
    ) -> PreparedMessage {
        let fetched = now()
        let sha =
            sha256
            ?? {
                var hasher = SHA256()
                hasher.update(raw)
                return SHA256.hexString(hasher.finalize())
            }()
        var base = IncomingMessage(
            kind: .quarantined, messageID: nil, rawSHA256: sha, raw: raw, mailbox: mailboxKey,
            uidValidity: uidValidity, uid: uid, subject: "", fromName: nil, fromEmail: nil,
            sentAt: nil, receivedAt: fetched, threadTime: fetched, text: "", html: nil, inReplyTo: [],
            references: [], note: nil, bounce: nil, isBulk: false, attachments: [])
        base.bodyOffset = MIMEParser.headerBlockEnd(raw)
        // The store refuses duplicates in its transaction anyway; checking first only saves the parsing.
        if checkDuplicateFirst, (try? database.isStored(sha256: sha)) == true {
            return PreparedMessage(message: base, intent: nil)
        }
        let entry = journalEntry ?? uid.flatMap { u in uidValidity.map { .mailbox(uidValidity: $0, uid: u) } }
        guard let journal, let entry else {
            return prepareParsing(raw: raw, base: base, uid: uid, fetched: fetched, entry: nil)
        }
        if journal.isCrashed(entry) {
            base.note = ParseJournal.crashNote
            logger.error("message quarantined: the parser crashed on it before", metadata: ["uid": "\(uid ?? 0)"])
            return PreparedMessage(message: base, intent: nil)
        }
        return journal.parsing(entry) { prepareParsing(raw: raw, base: base, uid: uid, fetched: fetched, entry: entry) }
    }

    /// The part of `prepare` a hostile message could crash: parse, triage, ticket intent (and, later, on whichever
    /// thread, the classification, which records itself in the journal too).
    private func prepareParsing(
        raw: Data, base: IncomingMessage, uid: Int64?, fetched: Date,
        entry: ParseJournal.Entry?
    ) -> PreparedMessage {
        var base = base
        #if DEBUG
            Self.crashForTests(raw)
        #endif
        let parsed: ParsedMessage
        let oversize = raw.count > config.mailbox.maxMessageSize
        do {
            parsed = oversize ? try MIMEParser.parseHeaders(raw) : try MIMEParser.parse(raw)
        } catch {
            base.note = "\(error)"
            logger.warning("message quarantined", metadata: ["uid": "\(uid ?? 0)", "reason": "\(error)"])
            return PreparedMessage(message: base, intent: nil)
        }
        // The service's clock starts when the mail reached the mailbox, not when surel read it (after a daemon or
        // IMAP outage, hours later): the topmost Received line, our server's, when it is recent and not in the future.
        let received = Self.arrival(parsed.arrivedAt, fetched: fetched)
        base.receivedAt = received
        base.threadTime = received
        fill(&base, from: parsed)
        guard let sender = parsed.from?.email, sender.contains("@") else {
            base.kind = .quarantined
            base.note = "no usable From address"
            logger.warning("message quarantined", metadata: ["uid": "\(uid ?? 0)", "reason": "no From address"])
            return PreparedMessage(message: base, intent: nil)
        }
        var notes = parsed.warnings
        if oversize {
            notes.insert(
                "pesan berukuran \(raw.count) byte melebihi batas \(config.mailbox.maxMessageSize) byte: disimpan utuh tanpa diurai",
                at: 0)
        }
        var intent: TicketIntent?
        var lazy: LazyClassification?
        switch Triage.classify(parsed, fromLayer2Unit: layer2Units[sender.lowercased()] != nil) {
        case .bounce(let summary):
            base.kind = .bounce
            base.bounce = summary
        case .autoReply(let reason):
            base.kind = .autoreply
            notes.insert(reason, at: 0)
        case .unsubscribe(let blast):
            base.kind = .unsubscribe
            notes.insert("permintaan berhenti menerima blast \(blast)", at: 0)
        case .message(let isBulk):
            base.kind = .ticket
            base.isBulk = isBulk
            do {
                base.attachments = try parsed.attachments.map { a in
                    AttachmentRef(
                        filename: a.filename, contentType: a.contentType, size: a.data.count,
                        sha256: try attachments.save(a.data), isInline: a.isInline)
                }
            } catch {
                // The raw bytes hold every attachment: keep the message, note what could not be written.
                notes.append("attachments not saved: \(error)")
                logger.error("attachment write failed", metadata: ["error": "\(error)"])
            }
            let profile = SenderDirectory.profile(forEmail: sender)
            var input = ClassificationInput(parsed)
            input.senderEmail = sender
            input.senderClass = profile.senderClass
            lazy = LazyClassification { [classifiers, journal] in
                let classify = { (classifiers?.classifier ?? UnclassifiedClassifier()).classify(input) }
                guard let journal, let entry else { return classify() }
                return journal.parsing(entry, classify)
            }
            intent = ticketIntent(
                parsed, sender: sender, profile: profile, received: received,
                threadTime: base.threadTime, classification: lazy!)
            intent?.acknowledge = acknowledger?.mail(
                for: parsed, sender: sender, isBulk: base.isBulk, received: received)
            if !parsed.addressProblems.isEmpty {
                notes.insert("tanpa balasan otomatis: " + parsed.addressProblems.joined(separator: "; "), at: 0)
            }
            intent?.automaticMailsPerHour = config.outbox.automaticPerHour
            intent?.layer2Units = layer2Units
        }
        base.note = notes.isEmpty ? nil : notes.joined(separator: "; ")
        return PreparedMessage(message: base, intent: intent, classification: lazy)
    }

    static let maxReferences = 100

    #if DEBUG
        /// A fault hook for the tests: a message holding the bytes named by SUREL_TEST_CRASH_MARKER kills the process
        /// inside the parser's region, as a fault in C code would. Absent from release builds.
        static func crashForTests(_ raw: Data) {
            guard let marker = ProcessInfo.processInfo.environment["SUREL_TEST_CRASH_MARKER"], !marker.isEmpty,
                raw.range(of: Data(marker.utf8)) != nil
            else { return }
            UnsafeMutablePointer<UInt8>(bitPattern: 0x10)!.pointee = 0  // a real fault, as from C code
        }
    #endif

    /// The arrival time to record: the server's Received date when it lies within a week before the fetch (a
    /// weekend outage), else the fetch time (no such line, a stale or spoofed one, a wrong clock).
    static func arrival(_ arrived: Date?, fetched: Date) -> Date {
        guard let arrived, arrived <= fetched, fetched.timeIntervalSince(arrived) <= 7 * 86400 else { return fetched }
        return arrived
    }

    private func fill(_ m: inout IncomingMessage, from p: ParsedMessage) {
        m.messageID = p.messageID
        m.subject = p.subject
        m.fromName = p.from?.name
        m.fromEmail = p.from?.email
        m.sentAt = p.date
        // Mail read late (a backlog, a re-read mailbox) threads by when it was written; a Date in the future
        // (a wrong clock) does not count.
        if let d = p.date, d <= m.receivedAt.addingTimeInterval(86400) { m.threadTime = d }
        m.text = p.text
        m.html = p.html
        m.inReplyTo = p.inReplyTo
        m.references = p.references
    }

    private func ticketIntent(
        _ p: ParsedMessage, sender: String, profile: SenderProfile, received: Date,
        threadTime: Date, classification: LazyClassification
    ) -> TicketIntent {
        TicketIntent(
            ticketNumberInSubject: TicketNumber.find(inSubject: p.subject),
            // The newest references only (RFC 5322 §3.6.4 keeps the thread's tail): a hostile References of
            // 100,000 ids must not become 100,000 lookups.
            referencedMessageIDs: { () -> [String] in
                let refs = Array(p.references.suffix(Self.maxReferences))
                return refs + p.inReplyTo.prefix(10).filter { !refs.contains($0) }
            }(),
            normalizedSubject: SubjectNormalizer.normalize(p.subject), senderEmail: sender,
            senderProfile: profile, receivedAt: received, threadTime: threadTime,
            subjectWindow: config.threading.subjectWindow, reopenWindow: config.threading.reopenWindow,
            year: received.yearInJakarta, confidentialCategories: confidentialCategories,
            reviewThreshold: config.classify.reviewThreshold, classify: { classification.value })
    }

    private func count(_ o: IngestOutcome, into r: inout CycleReport) {
        switch o {
        case .duplicate: r.duplicates += 1
        case .newTicket, .newLinked: r.newTickets += 1
        case .joined: r.joined += 1
        case .recorded(.autoreply): r.autoReplies += 1
        case .recorded(.bounce): r.bounces += 1
        case .recorded(.quarantined): r.quarantined += 1
        case .recorded(.unsubscribe): r.unsubscribes += 1
        case .recorded: break
        }
    }

    // MARK: server-side actions

    /// The file systems to sync before anything is flagged, moved or deleted on the server.
    private var durablePaths: [String] {
        [(config.store.path as NSString).deletingLastPathComponent, attachments.path]
    }

    /// Makes what was stored durable, then does the flag/move/delete on the server for `uids` (every one the cursor
    /// passed, through `through`) in one command per batch, then records that it is done.
    private func applyServerActions(_ uids: [Int64], through: Int64, uidValidity: Int64, on source: MailSource) throws {
        if !uids.isEmpty {
            DurabilityBarrier.sync(paths: durablePaths)
            try source.apply(config.mailbox.afterStore, uids: uids, uidValidity: uidValidity)
        }
        try database.markServerActionsDone(mailbox: mailboxKey, uidValidity: uidValidity, through: through)
    }
}

/// A classification computed once, by whichever thread gets to it first: the prefetch thread when it would
/// otherwise wait for room in its queue, else the store's thread when the message opens a ticket. Classifying
/// costs about as much as parsing, so doing it always on the prefetch thread left the other core idle half the time.
final class LazyClassification: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Classification?
    private let compute: () -> Classification

    init(_ compute: @escaping () -> Classification) { self.compute = compute }

    /// The classification, computed now if no thread did yet (waits if one is computing it).
    var value: Classification {
        lock.lock(); defer { lock.unlock() }
        if let result { return result }
        let r = compute()
        result = r
        return r
    }

    /// Computes it unless done or being done; true when this call did the work.
    func computeIfFree() -> Bool {
        guard lock.try() else { return false }
        defer { lock.unlock() }
        guard result == nil else { return false }
        result = compute()
        return true
    }
}
