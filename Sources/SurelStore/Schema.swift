// Versioned migrations. A migration never changes once shipped: add a new one instead.
import GRDB

enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-ingest") { db in
            try db.create(table: "mailboxCursor") { t in
                t.primaryKey("mailbox", .text)
                t.column("uidValidity", .integer).notNull()
                t.column("lastUID", .integer).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "ticketCounter") { t in
                t.primaryKey("year", .integer)
                t.column("last", .integer).notNull()
            }
            try db.create(table: "ticket") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("year", .integer).notNull()
                t.column("sequence", .integer).notNull()
                t.uniqueKey(["year", "sequence"])
                t.column("status", .text).notNull().indexed()
                t.column("category", .text).notNull().indexed()
                t.column("confidence", .double).notNull()
                t.column("classificationNote", .text).notNull()
                t.column("confidential", .boolean).notNull()
                t.column("subject", .text).notNull()
                t.column("normalizedSubject", .text).notNull()
                t.column("senderName", .text)
                t.column("senderEmail", .text).notNull()
                t.column("senderClass", .text).notNull()
                t.column("region", .text)
                t.column("province", .text)
                t.column("timeZone", .text)
                t.column("previousTicketID", .integer).references("ticket")
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.column("closedAt", .datetime)
            }
            try db.create(index: "ticket_sender_subject", on: "ticket", columns: ["senderEmail", "normalizedSubject"])
            try db.create(table: "message") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull().indexed()
                t.column("ticketID", .integer).references("ticket").indexed()
                t.column("messageID", .text).indexed()
                t.column("rawSHA256", .text).notNull()
                t.column("raw", .blob).notNull()
                t.column("size", .integer).notNull()
                t.column("mailbox", .text)
                t.column("uidValidity", .integer)
                t.column("uid", .integer)
                t.column("subject", .text).notNull()
                t.column("fromName", .text)
                t.column("fromEmail", .text)
                t.column("sentAt", .datetime)
                t.column("receivedAt", .datetime).notNull()
                // When the mail was written (Date header unless in the future), for threading by subject.
                t.column("threadTime", .datetime).notNull()
                t.column("text", .text).notNull()
                t.column("html", .text)
                t.column("inReplyTo", .text).notNull()
                t.column("references", .text).notNull()
                t.column("note", .text)
                t.column("bounceRecipient", .text)
                t.column("bounceStatus", .text)
                t.column("bounceDiagnostic", .text)
                t.column("bounceOriginalMessageID", .text).indexed()
                t.column("isBulk", .boolean).notNull()
            }
            // Flag/move/delete on the IMAP server still to be done for a stored message. A table of its own:
            // clearing a column of `message` would make SQLite rewrite the whole row, raw bytes included.
            try db.create(table: "pendingServerAction") { t in
                t.primaryKey("messageRowID", .integer).references("message", onDelete: .cascade)
                t.column("mailbox", .text).notNull().indexed()
                t.column("uidValidity", .integer).notNull()
                t.column("uid", .integer).notNull()
            }
            // Dedupe: the same raw bytes are stored once, whatever UID or UIDVALIDITY they came under.
            try db.create(
                index: "message_incoming_sha", on: "message", columns: ["rawSHA256"], unique: true,
                condition: Column("kind") != "outgoing")
            try db.create(table: "attachment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("messageRowID", .integer).notNull().references("message", onDelete: .cascade).indexed()
                t.column("filename", .text)
                t.column("contentType", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("sha256", .text).notNull()
                t.column("isInline", .boolean).notNull()
            }
            try db.create(table: "ticketEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("ticketID", .integer).notNull().references("ticket", onDelete: .cascade).indexed()
                t.column("at", .datetime).notNull()
                t.column("kind", .text).notNull()
                t.column("detail", .text).notNull()
            }
        }
        // Issue 3: the classifier's models live in the store (trained at first start, updated by agents'
        // corrections), and tickets below the confidence threshold wait in a review queue.
        m.registerMigration("v2-classify") { db in
            try db.alter(table: "ticket") { t in
                t.add(column: "needsReview", .boolean).notNull().defaults(to: false)
            }
            try db.create(index: "ticket_needs_review", on: "ticket", columns: ["needsReview"])
            try db.create(table: "classifierModel") { t in
                t.primaryKey("name", .text)
                t.column("data", .blob).notNull()
                t.column("trainedOn", .text).notNull()
                // Bumped on every save: a running daemon reloads the model when it changes.
                t.column("version", .integer).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "classificationReview") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("ticketID", .integer).notNull().references("ticket", onDelete: .cascade).indexed()
                t.column("at", .datetime).notNull()
                t.column("reviewer", .text).notNull()
                t.column("fromCategory", .text).notNull()
                t.column("toCategory", .text).notNull()
            }
        }
        // Issue 4: every outgoing mail is first a row here, committed with the change that caused it; its bytes
        // are an `outgoing` row of `message` (so replies to it thread into the ticket).
        m.registerMigration("v3-outbox") { db in
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("messageRowID", .integer).notNull().unique().references("message", onDelete: .cascade)
                t.column("ticketID", .integer).references("ticket", onDelete: .setNull).indexed()
                t.column("purpose", .text).notNull()
                t.column("envelopeFrom", .text).notNull()
                t.column("recipients", .text).notNull()
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull()
                t.column("nextAttemptAt", .datetime).notNull()
                t.column("lastError", .text)
                t.column("possiblyDuplicated", .boolean).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("sentAt", .datetime)
            }
            try db.create(index: "outbox_due", on: "outbox", columns: ["status", "nextAttemptAt"])
        }
        // Issue 4: escalation to a Layer 2 unit, the unit's answer (for its response score), and who acted.
        m.registerMigration("v4-workflow") { db in
            try db.alter(table: "ticket") { t in
                t.add(column: "escalatedTo", .text)
                t.add(column: "escalatedAt", .datetime)
                t.add(column: "layer2AnsweredAt", .datetime)
            }
            try db.alter(table: "ticketEvent") { t in
                t.add(column: "actor", .text)
            }
        }
        // Issue 4: the answers given (for the BAK) and the BAK documents themselves.
        m.registerMigration("v5-bak") { db in
            try db.create(table: "ticketAnswer") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("ticketID", .integer).notNull().references("ticket", onDelete: .cascade).indexed()
                t.column("at", .datetime).notNull()
                t.column("actor", .text)
                t.column("source", .text).notNull()  // agent | layer2
                t.column("text", .text).notNull()
            }
            try db.create(table: "bak") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("ticketID", .integer).notNull().references("ticket", onDelete: .cascade).indexed()
                t.column("number", .text).notNull()
                t.column("pdf", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
            }
        }
        // Issue 5: recipient lists for blasts, and the suppression list every blast respects.
        m.registerMigration("v6-lists") { db in
            try db.create(table: "recipientList") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "listMember") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("listID", .integer).notNull().references("recipientList", onDelete: .cascade)
                t.column("email", .text).notNull()
                t.column("name", .text)
                t.column("fields", .text).notNull()  // JSON object of the extra CSV columns
                t.uniqueKey(["listID", "email"])
            }
            try db.create(table: "suppression") { t in
                t.primaryKey("email", .text)
                t.column("reason", .text).notNull()
                t.column("source", .text).notNull()  // hard-bounce | manual
                t.column("createdAt", .datetime).notNull()
            }
        }
        // Issue 5: blasts and the durable state of each of their recipients.
        m.registerMigration("v7-blasts") { db in
            try db.create(table: "blast") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("listName", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("template", .text).notNull()
                t.column("html", .text)
                t.column("status", .text).notNull()  // draft | scheduled | sending | paused | done | cancelled
                t.column("scheduledAt", .datetime)
                t.column("createdAt", .datetime).notNull()
                t.column("startedAt", .datetime)
                t.column("finishedAt", .datetime)
            }
            try db.create(table: "blastAttachment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("blastID", .integer).notNull().references("blast", onDelete: .cascade).indexed()
                t.column("filename", .text).notNull()
                t.column("contentType", .text).notNull()
                t.column("data", .blob).notNull()
            }
            try db.create(table: "blastRecipient") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("blastID", .integer).notNull().references("blast", onDelete: .cascade)
                t.column("email", .text).notNull()
                t.column("name", .text)
                t.column("fields", .text).notNull()
                // pending -> sending -> sent | deferred | failed | bounced
                t.column("state", .text).notNull()
                t.column("messageID", .text).indexed()
                t.column("attempts", .integer).notNull()
                t.column("nextAttemptAt", .datetime)
                t.column("lastError", .text)
                t.column("possiblyDuplicated", .boolean).notNull()
                t.column("sentAt", .datetime)
                t.uniqueKey(["blastID", "email"])
            }
            try db.create(index: "blastRecipient_state", on: "blastRecipient", columns: ["blastID", "state"])
        }
        m.registerMigration("v8-blast-bounces") { db in
            try db.alter(table: "blastRecipient") { t in
                t.add(column: "softBounces", .integer).notNull().defaults(to: 0)
            }
        }
        m.registerMigration("v9-blast-bounce-address") { db in
            // A bounce without the returned Message-ID is matched by the failed address, across all blasts.
            try db.create(index: "blastRecipient_email", on: "blastRecipient", columns: ["email"])
        }
        m.registerMigration("v10-partial-indexes") { db in
            // Every ingest transaction writes each index page its message touches: entries only a few rows need
            // (the rare kinds, the bounce link, the review queue) are kept out for the others, which saves three
            // page writes per mail. Queries on these columns repeat the index's condition so SQLite uses it.
            try db.execute(
                sql: """
                    DROP INDEX message_on_kind;
                    CREATE INDEX message_uncommon_kind ON message(kind) WHERE kind NOT IN ('ticket', 'outgoing');
                    DROP INDEX message_on_bounceOriginalMessageID;
                    CREATE INDEX message_bounce_original ON message(bounceOriginalMessageID)
                      WHERE bounceOriginalMessageID IS NOT NULL;
                    DROP INDEX ticket_needs_review;
                    CREATE INDEX ticket_review_queue ON ticket(createdAt, id) WHERE needsReview = 1;
                    """)
        }
        m.registerMigration("v11-actioned-uid") { db in
            // What is left to flag/move/delete on the server is a UID range of the cursor (actioned, lastUID]: a row
            // per stored message in pendingServerAction cost two page writes in every ingest transaction.
            try db.execute(
                sql: """
                    ALTER TABLE mailboxCursor ADD COLUMN actionedUID INTEGER NOT NULL DEFAULT 0;
                    UPDATE mailboxCursor SET actionedUID = coalesce(
                      (SELECT min(p.uid) - 1 FROM pendingServerAction p
                       WHERE p.mailbox = mailboxCursor.mailbox AND p.uidValidity = mailboxCursor.uidValidity),
                      lastUID);
                    DROP TABLE pendingServerAction;
                    """)
        }
        m.registerMigration("v12-blast-first-attempt") { db in
            // A deferred recipient's retries give up counting from its own first dialogue, not from the blast's
            // start: a blast resumed days later must not fail its remaining recipients at their first 4xx.
            try db.execute(sql: "ALTER TABLE blastRecipient ADD COLUMN firstAttemptAt DATETIME")
        }
        m.registerMigration("v13-fetch-failures") { db in
            // Consecutive failed fetches of one message (the server cannot read it): after a few, ingest records it
            // as quarantined without bytes and goes on, so that it does not hold up the mail behind it.
            try db.execute(
                sql: """
                    CREATE TABLE fetchFailure (
                      mailbox TEXT NOT NULL, uidValidity INTEGER NOT NULL, uid INTEGER NOT NULL,
                      failures INTEGER NOT NULL, lastError TEXT NOT NULL, firstAt DATETIME NOT NULL, lastAt DATETIME NOT NULL,
                      PRIMARY KEY (mailbox, uidValidity, uid)) WITHOUT ROWID
                    """)
        }
        m.registerMigration("v14-ticket-continuation") { db in
            // Threading follows a closed ticket to the ticket that continues it, and the CLI lists what touches a
            // confidential ticket; partial: most tickets continue none and are not confidential.
            try db.execute(
                sql: """
                    CREATE INDEX ticket_continuation ON ticket(previousTicketID) WHERE previousTicketID IS NOT NULL;
                    CREATE INDEX ticket_confidential ON ticket(senderEmail) WHERE confidential;
                    """)
        }
        m.registerMigration("v15-escalations") { db in
            // One row per escalation: escalating again (to another unit, or the same one) kept only the last on the
            // ticket, so an earlier unit's score was lost and its late answer counted for the next unit.
            try db.execute(
                sql: """
                    CREATE TABLE escalation (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      ticketID INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
                      unit TEXT NOT NULL, at DATETIME NOT NULL, answeredAt DATETIME);
                    CREATE INDEX escalation_on_ticketID ON escalation(ticketID);
                    INSERT INTO escalation(ticketID, unit, at, answeredAt)
                      SELECT id, escalatedTo, escalatedAt, layer2AnsweredAt FROM ticket
                      WHERE escalatedTo IS NOT NULL AND escalatedAt IS NOT NULL ORDER BY escalatedAt;
                    """)
        }
        m.registerMigration("v16-duplicates") { db in
            // A mail reusing a stored one's Message-ID, sender, subject and date is a duplicate only when its content
            // matches too (the bytes from bodyOffset on); every duplicate is recorded with the message it matched.
            try db.execute(
                sql: """
                    ALTER TABLE message ADD COLUMN bodyOffset INTEGER;
                    CREATE TABLE duplicate (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      matchedMessageRowID INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                      sameBytes BOOLEAN NOT NULL, mailbox TEXT, uidValidity INTEGER, uid INTEGER,
                      rawSHA256 TEXT NOT NULL, raw BLOB, receivedAt DATETIME NOT NULL);
                    CREATE INDEX duplicate_on_matchedMessageRowID ON duplicate(matchedMessageRowID);
                    """)
        }
        m.registerMigration("v17-held-complaints") { db in
            // A mail that may be a complaint though another category won is held: confidential from its first
            // transaction until a confidential reader clears or confirms it. Partial index: the held queue is short.
            try db.execute(
                sql: """
                    ALTER TABLE ticket ADD COLUMN held BOOLEAN NOT NULL DEFAULT 0;
                    CREATE INDEX ticket_held ON ticket(createdAt) WHERE held;
                    """)
        }
        m.registerMigration("v18-console-accounts") { db in
            // The console's users, their sessions (stored under the SHA-256 of the cookie's id) and the failed
            // logins counted per account and per client address.
            try db.execute(
                sql: """
                    CREATE TABLE user (
                      id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                      role TEXT NOT NULL, confidential BOOLEAN NOT NULL, passwordHash TEXT NOT NULL,
                      disabled BOOLEAN NOT NULL, createdAt DATETIME NOT NULL, passwordChangedAt DATETIME NOT NULL);
                    CREATE TABLE webSession (
                      idHash TEXT PRIMARY KEY NOT NULL,
                      userID INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                      csrfToken TEXT NOT NULL, createdAt DATETIME NOT NULL, lastSeenAt DATETIME NOT NULL)
                      WITHOUT ROWID;
                    CREATE INDEX webSession_on_userID ON webSession(userID);
                    CREATE TABLE loginFailure (
                      key TEXT PRIMARY KEY NOT NULL, failures INTEGER NOT NULL, lastAt DATETIME NOT NULL,
                      lockedUntil DATETIME) WITHOUT ROWID;
                    """)
        }
        m.registerMigration("v19-ticket-search") { db in
            // Full-text search over each ticket's number, subject, sender and the text of its incoming mail. Kept
            // in step by triggers, so that every way a ticket or its mail is stored feeds it; existing tickets
            // are indexed here once.
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE ticketSearch USING fts5(
                      number, subject, sender, text, tokenize = 'unicode61 remove_diacritics 2');
                    CREATE TRIGGER ticketSearch_ticket AFTER INSERT ON ticket BEGIN
                      INSERT INTO ticketSearch(rowid, number, subject, sender, text) VALUES (
                        new.id, printf('%d-%06d', new.year, new.sequence), new.subject,
                        coalesce(new.senderName, '') || ' ' || new.senderEmail, '');
                    END;
                    CREATE TRIGGER ticketSearch_message AFTER INSERT ON message
                      WHEN new.ticketID IS NOT NULL AND new.kind = 'ticket' BEGIN
                      UPDATE ticketSearch SET text = text || char(10) || coalesce(new.text, '')
                        WHERE rowid = new.ticketID;
                    END;
                    CREATE TRIGGER ticketSearch_delete AFTER DELETE ON ticket BEGIN
                      DELETE FROM ticketSearch WHERE rowid = old.id;
                    END;
                    INSERT INTO ticketSearch(rowid, number, subject, sender, text)
                      SELECT t.id, printf('%d-%06d', t.year, t.sequence), t.subject,
                             coalesce(t.senderName, '') || ' ' || t.senderEmail,
                             coalesce((SELECT group_concat(m.text, char(10)) FROM message m
                                       WHERE m.ticketID = t.id AND m.kind = 'ticket'), '')
                      FROM ticket t;
                    """)
        }
        m.registerMigration("v20-daemon-status") { db in
            // The daemon's heartbeat: when it last polled the mailbox successfully and its last error, so that the
            // console (a separate process) can tell whether mail is coming in.
            try db.execute(
                sql: """
                    CREATE TABLE daemonStatus (
                      id INTEGER PRIMARY KEY CHECK (id = 1), startedAt DATETIME, lastPollAt DATETIME,
                      lastErrorAt DATETIME, lastError TEXT);
                    """)
        }
        m.registerMigration("v21-knowledge-base") { db in
            // The knowledge base (the SOP's basis for answers): texts per category that agents start an answer
            // from, kept by supervisors; an entry made from a unit's answer remembers the ticket it came from.
            // The breaches the SLA board lists by month. Once ANALYZE has told SQLite that nearly every ticket is
            // closed, it reads the open ones only through a partial index of them (`ticket_open`: the queries
            // repeat its condition), and a list of one status or category newest first walks an index in that
            // order and stops at the page, instead of sorting every ticket of the category.
            try db.execute(
                sql: """
                    CREATE TABLE knowledgeEntry (
                      id INTEGER PRIMARY KEY AUTOINCREMENT, category TEXT NOT NULL, title TEXT NOT NULL,
                      body TEXT NOT NULL, sourceTicketID INTEGER REFERENCES ticket(id) ON DELETE SET NULL,
                      createdBy TEXT NOT NULL, createdAt DATETIME NOT NULL, updatedBy TEXT NOT NULL,
                      updatedAt DATETIME NOT NULL, retired BOOLEAN NOT NULL DEFAULT 0);
                    CREATE INDEX knowledgeEntry_on_category ON knowledgeEntry(category, title);
                    CREATE INDEX ticketEvent_breach ON ticketEvent(at) WHERE kind = 'sla-breach';
                    CREATE INDEX ticket_open ON ticket(status) WHERE status <> 'closed';
                    DROP INDEX ticket_on_status;
                    CREATE INDEX ticket_on_status ON ticket(status, year, sequence);
                    DROP INDEX ticket_on_category;
                    CREATE INDEX ticket_on_category ON ticket(category, year, sequence);
                    """)
        }
        m.registerMigration("v22-survey") { db in
            // The citizens' ratings after the BAK: every submission kept, the latest of a ticket the one that
            // counts (`current`); the agent who closed the ticket and the unit it was escalated to are rated.
            try db.execute(
                sql: """
                    CREATE TABLE surveyRating (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      ticketID INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
                      agent TEXT, unit TEXT, citizen TEXT NOT NULL,
                      service INTEGER NOT NULL CHECK (service BETWEEN 1 AND 5),
                      substance INTEGER NOT NULL CHECK (substance BETWEEN 1 AND 5),
                      comment TEXT, at DATETIME NOT NULL, current BOOLEAN NOT NULL);
                    CREATE INDEX surveyRating_on_ticketID ON surveyRating(ticketID);
                    CREATE INDEX surveyRating_current ON surveyRating(at) WHERE current;
                    """)
        }
        return m
    }
}
