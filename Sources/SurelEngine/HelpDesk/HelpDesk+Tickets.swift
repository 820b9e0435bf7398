// HelpDesk: tickets — the lists and the detail agents read, the review queue, deadlines and Layer 2 scores the
// supervisor reads, the BAK, and what agents do: answer, escalate, record a unit's answer, close, review.
import Foundation
import SurelClassify
import SurelCore
import SurelMail
import SurelStore

/// A ticket as a list shows it: an actor who may not read it sees it redacted (number, status, category, dates).
public struct TicketSummary: Sendable {
    public var ticket: Ticket
    public var readable: Bool
    /// The Message-IDs of its incoming mail; empty when not readable.
    public var messageIDs: [String]
    /// The closed ticket it continues, if any.
    public var previous: TicketNumber?
    /// Its answer deadline and whether it passed (the review and held queues fill them; dates only).
    public var due: Date? = nil
    public var breached = false

    /// Its sender class and the classifier's confidence; nil for an actor who may not read it: both tell about
    /// who wrote (a Pemda, a ministry) and how the mail read.
    public var senderClass: SenderClass? { readable ? ticket.senderClass : nil }
    public var confidence: Double? { readable ? ticket.confidence : nil }
}

public struct TicketFilter: Sendable {
    public var status: TicketStatus?
    public var category: String?
    public var senderClass: SenderClass?
    /// WIB, WITA, WIT, or `TicketQuery.unplaced`.
    public var timeZone: String?
    /// Part of a region's or province's name.
    public var region: String?
    /// A Layer 2 unit the ticket was escalated to.
    public var unit: String?
    /// Received on or after `from` and before `to`.
    public var from: Date?
    public var to: Date?
    /// Words to find in a ticket's number, subject, sender or mail text (full-text search).
    public var search: String?
    /// Only tickets still owed an answer: all of them, those due by the end of today (WIB), or those breached.
    public var owed: Owed?
    public var order: Order = .oldest
    /// A page: at most `limit` tickets after the first `offset`.
    public var limit: Int?
    public var offset: Int

    public enum Owed: String, Sendable, CaseIterable { case all, today, breached }
    /// Number order either way, or the soonest answer deadline first (tickets without one last).
    public enum Order: String, Sendable, CaseIterable { case oldest, newest, deadline }

    public init(
        status: TicketStatus? = nil, category: String? = nil, search: String? = nil, limit: Int? = nil,
        offset: Int = 0
    ) {
        self.status = status; self.category = category; self.search = search; self.limit = limit
        self.offset = offset
    }

    /// Conditions on who wrote and from where: a confidential ticket found by them would tell about its sender
    /// to someone who may not read it, even redacted.
    var namesTheSender: Bool { search != nil || senderClass != nil || timeZone != nil || region != nil || unit != nil }
}

/// One escalation's Layer 2 score, and per unit the figure the monthly report gives.
public struct Layer2Scores: Sendable {
    public struct Row: Sendable {
        public var number: TicketNumber
        public var unit: String
        public var escalatedAt: Date
        public var answeredAt: Date?
        public var workingDays: Int?
        /// 120, 100 or 80; nil while unanswered.
        public var score: Int?
    }
    public struct Unit: Sendable {
        public var unit: String
        public var escalations: Int
        public var answered: Int
        /// The mean score of the answered escalations; nil when none is answered.
        public var averageScore: Double?
    }
    /// One row per escalation the actor may see: a complaint's row would tell which unit it concerns.
    public var rows: [Row]
    /// Every escalation counts here, the complaints' too (the monthly report's figures).
    public var units: [Unit]
    /// Rows left out because the actor may not read their ticket.
    public var hidden: Int
}

/// What needs attention, as the console's home page shows it: counts only.
public struct Attention: Sendable {
    public var new: Int
    public var inReview: Int
    /// Held complaints; nil for an actor who may not read them (their queue is not theirs to see).
    public var held: Int?
    public var owedToday: Int
    public var breached: Int
    public var escalated: Int
    public var quarantined: Int
    public var failedMail: Int
    /// The daemon's heartbeat: its last successful poll and its last error.
    public var daemon: DaemonStatus
}

extension HelpDesk {
    // MARK: - Reads

    /// Counts of what waits: new tickets, the review queue, held complaints (readers only), answers owed by the
    /// end of today (WIB) and breached deadlines, escalations waiting for a unit, quarantined and failed mail.
    public func attention(as actor: Actor) throws -> Attention {
        try require(.tickets, actor)
        let c = try database.attentionCounts()
        let endOfDay = Self.endOfDayWIB(now())
        let entries = try deadlines(as: actor).entries
        return Attention(
            new: c.new, inReview: c.inReview, held: actor.mayReadConfidential ? c.held : nil,
            owedToday: entries.filter { !$0.breached && $0.due <= endOfDay }.count,
            breached: entries.filter(\.breached).count, escalated: c.escalated, quarantined: c.quarantined,
            failedMail: c.failedMail, daemon: try database.daemonStatus())
    }

    /// Tickets in number order (or as `filter.order` says), a page at a time; confidential ones redacted for an
    /// actor who may not read them, and left out where the filter would tell about their sender or topic.
    public func tickets(_ filter: TicketFilter = TicketFilter(), as actor: Actor) throws -> [TicketSummary] {
        try require(.tickets, actor)
        var q = TicketQuery()
        q.status = filter.status; q.category = filter.category; q.senderClass = filter.senderClass
        q.timeZone = filter.timeZone; q.region = filter.region; q.unit = filter.unit; q.from = filter.from
        q.to = filter.to; q.search = filter.search
        q.withoutConfidential = filter.namesTheSender && !actor.mayReadConfidential
        q.newestFirst = filter.order == .newest
        var due: [Int64: SLAEntry] = [:]
        if let owed = filter.owed {
            let endOfDay = Self.endOfDayWIB(now())
            due = try deadlinesByTicket().filter { _, e in
                switch owed {
                case .all: return true
                case .today: return !e.breached && e.due <= endOfDay
                case .breached: return e.breached
                }
            }
            q.ids = Array(due.keys)
        }
        if filter.order == .deadline {
            // Owed tickets by deadline, then the rest in number order: the page is cut after sorting.
            if due.isEmpty { due = try deadlinesByTicket() }
            var all = try database.tickets(q)
            all = all.enumerated().sorted { a, b in
                let x = due[a.element.id!]?.due ?? .distantFuture, y = due[b.element.id!]?.due ?? .distantFuture
                return x != y ? x < y : a.offset < b.offset
            }.map(\.element)
            let start = min(filter.offset, all.count)
            var tickets = Array(all[start...].prefix(filter.limit ?? all.count))
            hideCategoryHits(&tickets, filter, actor)
            return try summaries(tickets, as: actor, deadlines: due)
        }
        q.limit = filter.limit; q.offset = filter.offset
        var tickets = try database.tickets(q)
        hideCategoryHits(&tickets, filter, actor)
        return try summaries(tickets, as: actor, deadlines: due)
    }

    /// A held ticket's category is its topic (what the complaint is about): a filter on it must not find it for
    /// someone who may not read it.
    private func hideCategoryHits(_ tickets: inout [Ticket], _ filter: TicketFilter, _ actor: Actor) {
        if filter.category != nil, !actor.mayReadConfidential {
            tickets.removeAll { $0.confidential && !config.taxonomy.confidentialSlugs.contains($0.category) }
        }
    }

    static func endOfDayWIB(_ now: Date) -> Date {
        let wib = Calendar.wib
        return wib.date(byAdding: .day, value: 1, to: wib.startOfDay(for: now))!
    }

    /// One ticket with its messages, attachments and history; refused when `actor` may not read it.
    public func ticket(_ number: TicketNumber, as actor: Actor) throws -> (
        detail: TicketDetail, previous: TicketNumber?
    ) {
        try require(.tickets, actor)
        guard let d = try database.ticketDetail(number: number) else {
            throw SurelError(.notFound, "no ticket \(number)")
        }
        try policy.require(d.ticket, for: actor)
        let previous = try database.ticketNumbers(ids: [d.ticket.previousTicketID].compactMap { $0 }).values.first
        return (d, previous)
    }

    /// The units' answers to a ticket's escalations (by mail or recorded by an agent), oldest first.
    public func unitAnswers(_ number: TicketNumber, as actor: Actor) throws -> [TicketAnswer] {
        let t = try readableTicket(number, as: actor)
        return try database.answers(ticketID: t.id!).filter { $0.source == "layer2" }
    }

    /// A ticket's version (its last history event), for a page to notice that it changed meanwhile.
    public func ticketVersion(_ number: TicketNumber, as actor: Actor) throws -> Int64? {
        _ = try readableTicket(number, as: actor)
        return try database.ticketVersion(number)
    }

    /// The tickets waiting for a reviewer's look, redacted like the list: the review queue, soonest answer
    /// deadline first (tickets without one last, oldest first).
    public func reviewQueue(as actor: Actor) throws -> [TicketSummary] {
        try reviewQueue(as: actor, page: 0..<Int.max).items
    }

    /// One page of the review queue (positions `page`), and how many wait in all.
    public func reviewQueue(as actor: Actor, page: Range<Int>) throws -> (items: [TicketSummary], total: Int) {
        try require(.tickets, actor)
        let due = try deadlinesByTicket()
        let queue = try database.reviewQueue().enumerated().sorted { a, b in
            let x = due[a.element.id!]?.due ?? .distantFuture, y = due[b.element.id!]?.due ?? .distantFuture
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
        let shown = page.clamped(to: 0..<queue.count)
        return (try summaries(Array(queue[shown]), as: actor, deadlines: due), queue.count)
    }

    /// The answer deadline of a ticket still owed one (nil when answered, closed, or its year has no calendar).
    public func deadline(of number: TicketNumber, as actor: Actor) throws -> SLAEntry? {
        let t = try readableTicket(number, as: actor)
        return try SLA(calendar: config.sla.calendar, hours: config.sla.hours).entries(
            database, now: now(), ticketID: t.id
        ).entries.first
    }

    func deadlinesByTicket() throws -> [Int64: SLAEntry] {
        let entries = try owedDeadlines()
        return Dictionary(entries.entries.map { ($0.ticket.id!, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The tickets held as possible complaints, oldest first: only a confidential reader may see this queue (to
    /// anyone else it is refused, not shown empty).
    public func heldQueue(as actor: Actor) throws -> [TicketSummary] {
        try heldQueue(as: actor, page: 0..<Int.max).items
    }

    /// One page of the held queue, and how many are held in all.
    public func heldQueue(as actor: Actor, page: Range<Int>) throws -> (items: [TicketSummary], total: Int) {
        try require(.tickets, actor)
        try requireReader(actor, "the held queue")
        let held = try database.heldQueue()
        let shown = page.clamped(to: 0..<held.count)
        return (try summaries(Array(held[shown]), as: actor, deadlines: try deadlinesByTicket()), held.count)
    }

    /// Tickets owed an answer, soonest deadline first (redacted like the list), and how many have no deadline
    /// because the holiday calendar lacks their year.
    public func deadlines(as actor: Actor, dueWithin: TimeInterval? = nil, breachedOnly: Bool = false)
        throws -> (entries: [SLAEntry], undated: Int)
    {
        try require(.tickets, actor)
        let now = now()
        let (dated, undated) = try owedDeadlines()
        var entries = dated.map { e -> SLAEntry in
            var e = e
            e.ticket = policy.redacted(e.ticket, for: actor)
            return e
        }
        if let dueWithin { entries = entries.filter { $0.due.timeIntervalSince(now) <= dueWithin } }
        if breachedOnly { entries = entries.filter(\.breached) }
        return (entries, undated.count)
    }

    /// Every escalation's score (a ticket escalated to two units scores for each), and per unit the count and the
    /// average score of those answered. Numbers and units only: nothing of a ticket's content.
    public func layer2Scores(as actor: Actor) throws -> Layer2Scores {
        try require(.tickets, actor)
        let sla = SLA(calendar: config.sla.calendar, hours: config.sla.hours)
        let escalations = try database.escalations()
        let rows = try escalations.map { e in
            let days = try sla.layer2Days(escalated: e.at, answered: e.answeredAt)
            return Layer2Scores.Row(
                number: e.number, unit: e.unit, escalatedAt: e.at, answeredAt: e.answeredAt,
                workingDays: days, score: sla.layer2Score(days: days))
        }
        let visible = zip(rows, escalations).filter { !$0.1.confidential || actor.mayReadConfidential }.map(\.0)
        let units = Set(rows.map(\.unit)).sorted().map { unit -> Layer2Scores.Unit in
            let own = rows.filter { $0.unit == unit }, scores = own.compactMap(\.score)
            return Layer2Scores.Unit(
                unit: unit, escalations: own.count, answered: scores.count,
                averageScore: scores.isEmpty ? nil : Double(scores.reduce(0, +)) / Double(scores.count))
        }
        return Layer2Scores(rows: visible, units: units, hidden: rows.count - visible.count)
    }

    /// The BAK PDF of a closed ticket.
    public func bak(_ number: TicketNumber, as actor: Actor) throws -> (number: String, pdf: Data) {
        let t = try readableTicket(number, as: actor)
        guard let bak = try database.bak(ticketID: t.id!) else {
            throw SurelError(.conflict, "ticket \(number) has no BAK (not closed yet)")
        }
        return bak
    }

    /// An attachment of one of the ticket's mails, for an actor who may read the ticket: its name as the sender
    /// gave it (display only) and its bytes.
    public func attachment(_ number: TicketNumber, id: Int64, as actor: Actor) throws -> (
        filename: String?, contentType: String, data: Data
    ) {
        let (detail, _) = try ticket(number, as: actor)
        guard let a = detail.attachments.values.joined().first(where: { $0.id == id }) else {
            throw SurelError(.notFound, "no attachment \(id) in ticket \(number)")
        }
        let path = try AttachmentDirectory(path: config.store.attachments).location(sha256: a.sha256)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SurelError(.notFound, "the file of attachment \(id) is missing from the attachment directory")
        }
        return (a.filename, a.contentType, data)
    }

    /// The BAK closing the ticket now would mail (nil when it closes without one).
    public func bakPreview(_ number: TicketNumber, as actor: Actor) throws -> (subject: String, body: String)? {
        try require(.tickets, actor)
        return try agentActions().bakPreview(number, actor: actor)
    }

    /// `deadlines`: by ticket id, to show with each (the queues' lists).
    func summaries(_ tickets: [Ticket], as actor: Actor, deadlines: [Int64: SLAEntry] = [:]) throws -> [TicketSummary] {
        let readable = tickets.filter { policy.mayRead($0, for: actor) }.compactMap(\.id)
        let ids = try database.incomingMessageIDs(ticketIDs: readable)
        let previous = try database.ticketNumbers(ids: tickets.compactMap(\.previousTicketID))
        return tickets.map { t in
            TicketSummary(
                ticket: policy.redacted(t, for: actor), readable: policy.mayRead(t, for: actor),
                messageIDs: ids[t.id!] ?? [],
                previous: policy.mayRead(t, for: actor) ? t.previousTicketID.flatMap { previous[$0] } : nil,
                due: deadlines[t.id!]?.due, breached: deadlines[t.id!]?.breached ?? false)
        }
    }

    // MARK: - Actions

    /// Answers the citizen (status answered); the mail goes out at the daemon's next round.
    @discardableResult
    public func reply(
        _ number: TicketNumber, body: String, attachments: [OutgoingAttachment] = [],
        as actor: Actor, expectedVersion: Int64? = nil
    ) throws -> Ticket {
        try require(.tickets, actor)
        return try agentActions(expecting: expectedVersion).reply(
            number, body: body, attachments: attachments, actor: actor)
    }

    /// Escalates to a Layer 2 unit (status escalated); the notice goes to the unit.
    @discardableResult
    public func escalate(
        _ number: TicketNumber, unit: String, note: String?, as actor: Actor, expectedVersion: Int64? = nil
    ) throws -> Ticket {
        try require(.tickets, actor)
        return try agentActions(expecting: expectedVersion).escalate(number, unit: unit, note: note, actor: actor)
    }

    /// Records the Layer 2 unit's answer received outside mail.
    @discardableResult
    public func layer2Answer(
        _ number: TicketNumber, body: String, as actor: Actor, expectedVersion: Int64? = nil
    ) throws -> Ticket {
        try require(.tickets, actor)
        return try agentActions(expecting: expectedVersion).layer2Answer(number, body: body, actor: actor)
    }

    /// Closes the consultation: the BAK is made, stored and mailed to the citizen.
    @discardableResult
    public func close(_ number: TicketNumber, as actor: Actor, expectedVersion: Int64? = nil) throws -> Ticket {
        try require(.tickets, actor)
        return try agentActions(expecting: expectedVersion).close(number, actor: actor)
    }

    /// Confirms (`category` nil) or corrects a ticket's category; the model learns it at once. On a held ticket
    /// (which only a confidential reader can reach) it is the reader's decision: cleared to a normal category, or
    /// confirmed as a complaint — recorded as such in its history.
    public func review(_ number: TicketNumber, category: String?, as actor: Actor)
        throws -> (ticket: Ticket, review: ClassificationReview)
    {
        _ = try readableTicket(number, as: actor)
        return try classifierReview(number, category: category, as: actor)
    }

    /// "Not spam": the ticket takes the category the model finds best among the others (else "lainnya"),
    /// recorded as the actor's review; the model learns it.
    @discardableResult
    public func markNotSpam(_ number: TicketNumber, as actor: Actor) throws -> Ticket {
        let t = try readableTicket(number, as: actor)
        let service = ClassifierService(database: database, settings: config.classify, taxonomy: config.taxonomy)
        try service.prepare()
        var category = "lainnya"
        if let raw = try database.openingRaw(ticketID: t.id!), let parsed = try? MIMEParser.parse(raw),
            let c = service.classifier as? CategoryClassifier,
            let best = c.bestCategoryExceptSpam(ClassificationInput(parsed))
        {
            category = best
        }
        return try service.review(number, category: category, reviewer: actor.name).ticket
    }

    /// Clears a held ticket: it becomes a normal ticket of `category` (visible to every agent unless it continues
    /// a confidential one), recorded with who and when; the model learns the mail under that category.
    public func clearHeld(_ number: TicketNumber, category: String, as actor: Actor) throws -> Ticket {
        let t = try heldTicket(number, as: actor)
        guard !config.taxonomy.confidentialSlugs.contains(category) else {
            throw SurelError(.invalid, "\(category) is confidential: `surel review confirm \(t.number)` confirms it")
        }
        return try classifierReview(number, category: category, as: actor).ticket
    }

    /// Confirms a held ticket as a complaint: category `category` (default: the taxonomy's only confidential
    /// one), confidential for good, recorded with who and when.
    public func confirmComplaint(_ number: TicketNumber, category: String? = nil, as actor: Actor) throws -> Ticket {
        _ = try heldTicket(number, as: actor)
        let confidential = config.taxonomy.confidentialSlugs.sorted()
        guard let slug = category ?? (confidential.count == 1 ? confidential[0] : nil),
            confidential.contains(slug)
        else {
            throw SurelError(
                .invalid, "name the confidential category: \(confidential.joined(separator: ", "))")
        }
        return try classifierReview(number, category: slug, as: actor).ticket
    }

    private func heldTicket(_ number: TicketNumber, as actor: Actor) throws -> Ticket {
        try requireReader(actor, "a held ticket")
        let t = try readableTicket(number, as: actor)
        guard t.held else { throw SurelError(.conflict, "tiket \(number) tidak ditahan") }
        return t
    }

    private func requireReader(_ actor: Actor, _ what: String) throws {
        guard actor.mayReadConfidential else {
            throw SurelError(
                .refused,
                "\(what): hanya petugas yang tercantum di [access] confidential_readers "
                    + "(bertindak sebagai \(actor.name))")
        }
    }

    private func classifierReview(_ number: TicketNumber, category: String?, as actor: Actor)
        throws -> (ticket: Ticket, review: ClassificationReview)
    {
        let service = ClassifierService(database: database, settings: config.classify, taxonomy: config.taxonomy)
        try service.prepare()
        return try service.review(number, category: category, reviewer: actor.name)
    }
}
