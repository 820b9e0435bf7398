// HelpDesk: the knowledge base — the SOP's basis for answers. Every agent reads it and starts answers from it;
// supervisors keep it. An entry is Mustache text filled with the ticket's citizen, region and number.
import Foundation
import Mustache
import SurelCore
import SurelStore

extension HelpDesk {
    /// The variables an entry may use, with what each becomes (shown to whoever writes one).
    public static let knowledgeVariables: [(name: String, meaning: String)] = [
        ("sender_name", "nama penanya (atau \"Bapak/Ibu\")"), ("origin", "daerah dan provinsi penanya"),
        ("ticket", "nomor tiket"), ("category", "nama kategori"), ("agent", "nama agen yang menjawab"),
    ]

    // MARK: - Reads

    /// The entries in use; those of `first` (a ticket's category) come first.
    public func knowledgeBase(first category: String? = nil, as actor: Actor) throws -> [KnowledgeEntry] {
        try require(.tickets, actor)
        let all = try database.knowledgeEntries()
        guard let category else { return all }
        return all.filter { $0.category == category } + all.filter { $0.category != category }
    }

    public func knowledgeEntry(_ id: Int64, as actor: Actor) throws -> KnowledgeEntry {
        try require(.tickets, actor)
        guard let e = try database.knowledgeEntry(id: id), !e.retired else {
            throw SurelError(.notFound, "no knowledge base entry \(id)")
        }
        return e
    }

    /// The entry filled for a ticket the actor may read: the text an answer starts from.
    public func draftAnswer(_ number: TicketNumber, from id: Int64, as actor: Actor) throws -> String {
        let t = try readableTicket(number, as: actor)
        let entry = try knowledgeEntry(id, as: actor)
        let values: [String: Any] = [
            "sender_name": AgentActions.salutation(t), "origin": AgentActions.origin(t), "ticket": t.number.description,
            "category": config.taxonomy.name(of: t.category), "agent": actor.name,
        ]
        return try Self.knowledgeTemplate(entry.body).render(values)
    }

    // MARK: - Actions

    /// Adds an entry (`id` nil) or changes one; supervisors only. A title, a known category and a text whose
    /// Mustache tags parse and name only the known variables, or the reason it is refused.
    @discardableResult
    public func saveKnowledgeEntry(
        id: Int64?, category: String, title: String, body: String, as actor: Actor, sourceTicketID: Int64? = nil
    ) throws -> KnowledgeEntry {
        try require(.supervision, actor)
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 200 else {
            throw SurelError(.invalid, "Judul wajib diisi (maks. 200 huruf).")
        }
        guard config.taxonomy.category(category) != nil else {
            throw SurelError(.invalid, "Kategori \(category) tidak ada di taksonomi.")
        }
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, body.count <= 20_000 else {
            throw SurelError(.invalid, "Isi jawaban wajib diisi (maks. 20.000 huruf).")
        }
        _ = try Self.knowledgeTemplate(body)
        var entry: KnowledgeEntry
        if let id {
            entry = try knowledgeEntry(id, as: actor)
            entry.category = category; entry.title = title; entry.body = body
            entry.updatedBy = actor.name; entry.updatedAt = now()
        } else {
            entry = KnowledgeEntry(
                category: category, title: title, body: body, by: actor.name, at: now(), sourceTicketID: sourceTicketID)
        }
        return try database.saveKnowledgeEntry(entry)
    }

    /// Takes an entry out of use (kept in the store); supervisors only.
    public func retireKnowledgeEntry(_ id: Int64, as actor: Actor) throws {
        try require(.supervision, actor)
        var entry = try knowledgeEntry(id, as: actor)
        entry.retired = true; entry.updatedBy = actor.name; entry.updatedAt = now()
        _ = try database.saveKnowledgeEntry(entry)
    }

    /// A unit's answer to an escalation (the `index`-th of the ticket's unit answers) as a new entry of the
    /// ticket's category, titled by its subject, in one step; the supervisor edits it afterwards. Never from a
    /// confidential ticket: the knowledge base is read by every agent.
    public func knowledgeEntryFromUnitAnswer(_ number: TicketNumber, index: Int, as actor: Actor) throws
        -> KnowledgeEntry
    {
        try require(.supervision, actor)
        let t = try readableTicket(number, as: actor)
        guard !t.confidential else {
            throw SurelError(.refused, "Tiket rahasia tidak dapat dijadikan entri basis pengetahuan.")
        }
        let unitAnswers = try database.answers(ticketID: t.id!).filter { $0.source == "layer2" }
        guard unitAnswers.indices.contains(index) else {
            throw SurelError(.notFound, "ticket \(number) has no unit answer \(index + 1)")
        }
        let subject = SubjectNormalizer.stripped(t.subject)
        // Braces in the unit's text are its own, not tags: the entry starts as literal text.
        let body = unitAnswers[index].text.replacingOccurrences(of: "{{", with: "{ {")
        return try saveKnowledgeEntry(
            id: nil, category: t.category, title: subject.isEmpty ? "Jawaban unit tiket \(number)" : subject,
            body: body, as: actor, sourceTicketID: t.id)
    }

    /// The entry's text as a plain-text template, refused with the reason when it does not parse or names a
    /// variable entries do not have.
    static func knowledgeTemplate(_ body: String) throws -> MustacheTemplate {
        if let name = MustacheTags.unknown(in: body, known: Set(knowledgeVariables.map(\.name))) {
            throw SurelError(
                .invalid,
                "Variabel {{\(name)}} tidak dikenal; yang tersedia: "
                    + knowledgeVariables.map { "{{\($0.name)}}" }.joined(separator: ", ") + ".")
        }
        do {
            return try MustacheTemplate.plainText(body)
        } catch {
            throw SurelError(.invalid, "Teks tidak dapat dibaca sebagai templat: \(error)")
        }
    }
}
