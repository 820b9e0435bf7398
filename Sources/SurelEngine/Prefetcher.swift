// Ingest in two stages on two cores: a thread with its own IMAP connection fetches the next messages and
// prepares them (hash, parse, triage, attachment files) while the caller stores the one before in its transaction.
// Bounded by count and bytes, so memory stays flat whatever the mailbox holds.
// Other commands on the selected mailbox (flagging stored messages) also run on this thread's connection, between
// fetches: were they sent on a second connection, each would carry an untagged FETCH for every \Seen our fetches
// set, and libcurl (Debian's 7.88 with its header-size cap) fails a transfer past 300 KB of such lines.
import Foundation
import SurelCore
import SurelMail

final class Prefetcher<Prepared>: @unchecked Sendable {
    struct Item {
        let uid: Int64
        /// nil: the message vanished between SEARCH and FETCH.
        let result: Result<Prepared?, Error>
        /// Raw size, for the memory bound.
        let size: Int
    }

    private let condition = NSCondition()
    private var queue: [Item] = []
    private var queuedBytes = 0
    private var finished = false
    private var cancelled = false
    private let done = DispatchSemaphore(value: 0)
    private let maxItems: Int
    private let maxBytes: Int
    private var work: [(MailSource) -> Void] = []
    /// Deferred work on a queued message, done by this thread when its queue is full instead of waiting;
    /// returns false when there was nothing (left) to do for that message.
    private let whileWaiting: ((Prepared) -> Bool)?

    /// `prepare` runs on the prefetch thread for each fetched message (uid, raw bytes, their SHA-256).
    init(
        source: MailSource, uids: [Int64], uidValidity: Int64, maxItems: Int = 32, maxBytes: Int = 64 << 20,
        whileWaiting: ((Prepared) -> Bool)? = nil, prepare: @escaping (Int64, Data, String) -> Prepared
    ) {
        self.maxItems = maxItems
        self.maxBytes = maxBytes
        self.whileWaiting = whileWaiting
        let thread = Thread { [self] in
            defer { done.signal() }
            var fetchFailed = false
            for uid in uids {
                runQueuedWork(on: source)
                let item: Item
                do {
                    if let raw = try source.fetch(uid: uid, uidValidity: uidValidity) {
                        var h = SHA256()
                        h.update(raw)
                        let prepared = prepare(uid, raw, SHA256.hexString(h.finalize()))
                        item = Item(uid: uid, result: .success(prepared), size: raw.count)
                    } else {
                        item = Item(uid: uid, result: .success(nil), size: 0)
                    }
                } catch {
                    item = Item(uid: uid, result: .failure(error), size: 0)
                    fetchFailed = true
                }
                guard put(item, source: source) else { return }
                if fetchFailed { break }  // the caller stops at the error
            }
            condition.lock(); finished = true; condition.broadcast(); condition.unlock()
            // Serve the caller's remaining commands (the last flags of the cycle) until cancelled.
            while true {
                condition.lock()
                while work.isEmpty && !cancelled { condition.wait() }
                if work.isEmpty { condition.unlock(); return }
                condition.unlock()
                runQueuedWork(on: source)
            }
        }
        thread.name = "surel-prefetch"
        thread.start()
    }

    /// Waits for room (serving queued commands meanwhile); false when cancelled.
    private func put(_ item: Item, source: MailSource) -> Bool {
        let size = item.size
        condition.lock()
        while !cancelled && !queue.isEmpty && (queue.count >= maxItems || queuedBytes + size > maxBytes) {
            if !work.isEmpty {
                condition.unlock(); runQueuedWork(on: source); condition.lock()
                continue
            }
            // The consumer takes from the front: help with the newest queued messages first.
            if let whileWaiting {
                let candidates = queue.reversed().compactMap { try? $0.result.get() }
                condition.unlock()
                let didWork = candidates.contains { whileWaiting($0) }
                condition.lock()
                if didWork { continue }
            }
            condition.wait()
        }
        defer { condition.unlock() }
        if cancelled { return false }
        queue.append(item)
        queuedBytes += size
        condition.broadcast()
        return true
    }

    private func runQueuedWork(on source: MailSource) {
        condition.lock()
        let jobs = work
        work.removeAll()
        condition.unlock()
        for job in jobs { job(source) }
    }

    private var jobError: Error?
    /// Set by the first failed job, never cleared: the jobs after it are skipped. A later batch's "done through
    /// UID n" must not cover the UIDs of a batch that failed (the next cycle does them again).
    private var aJobFailed = false
    private var jobsPending = 0

    /// Queues `body` to run on the prefetch connection between two fetches, without waiting for it.
    /// Its error, if any, is thrown by the next `enqueue` or by `waitForJobs`.
    func enqueue(_ body: @escaping (MailSource) throws -> Void) throws {
        condition.lock(); defer { condition.unlock() }
        if let e = jobError { jobError = nil; throw e }
        jobsPending += 1
        work.append { [self] source in
            condition.lock(); let skip = aJobFailed; condition.unlock()
            let failure: Error?
            do { if !skip { try body(source) }; failure = nil } catch { failure = error }
            condition.lock()
            if let failure {
                aJobFailed = true
                if jobError == nil { jobError = failure }
            }
            jobsPending -= 1
            condition.broadcast()
            condition.unlock()
        }
        condition.broadcast()
    }

    /// Waits until every queued job ran; throws the first error among them.
    func waitForJobs() throws {
        condition.lock(); defer { condition.unlock() }
        while jobsPending > 0 { condition.wait() }
        if let e = jobError { jobError = nil; throw e }
    }

    /// The next message in UID order, or nil when all were handed out.
    /// `heartbeat` runs every few seconds while it waits (a large message on a slow link may take minutes: the
    /// daemon feeds systemd's watchdog there).
    func next(heartbeat: () -> Void = {}) -> Item? {
        condition.lock(); defer { condition.unlock() }
        while queue.isEmpty && !finished {
            if !condition.wait(until: Date().addingTimeInterval(5)) {
                condition.unlock(); heartbeat(); condition.lock()
            }
        }
        if queue.isEmpty { return nil }
        let item = queue.removeFirst()
        queuedBytes -= item.size
        condition.broadcast()
        return item
    }

    /// Stops the thread after its current fetch and waits for it.
    func cancel() {
        condition.lock(); cancelled = true; condition.broadcast(); condition.unlock()
        done.wait()
    }
}
