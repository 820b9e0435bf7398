// Monitoring: `/metrics` in the Prometheus text format, for the addresses `[web] metrics_allow` names (this machine
// by default; others get 404), and `/healthz` for anyone (no figures: whether the store answers and mail is coming
// in). The figures come from the store, so they are right while the console runs without the daemon; the daemon's
// heartbeat there says when it last polled.
import Foundation
import HTTPTypes
import Hummingbird
import Prometheus
import SurelCore
import SurelEngine
import SurelStore

struct MetricsPages {
    let console: Console

    func addRoutes(to router: Router<WebContext>) {
        router.get("/metrics") { request, context in try await metrics(request, context) }
        router.get("/healthz") { _, _ in try await health() }
    }

    private func metrics(_ request: Request, _ context: WebContext) async throws -> Response {
        // A request a reverse proxy passed on comes from the proxy's address (often this machine): it says so in
        // one of these headers, and is refused whatever address it seems to come from.
        let proxied = ["Forwarded", "X-Forwarded-For", "X-Real-IP"].contains {
            HTTPField.Name($0).map { request.headers[$0] != nil } ?? false
        }
        guard !proxied, let client = IPAddress.canonical(context.clientAddress),
            console.config.web.metricsAllowed.contains(client)
        else { throw HTTPError(.notFound) }
        let desk = console.desk
        let m = try await console.blocking { try desk.metrics() }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: Self.exposition(m))))
    }

    /// The figures as Prometheus reads them.
    static func exposition(_ m: ChannelMetrics) -> [UInt8] {
        let r = PrometheusCollectorRegistry()
        func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
            r.makeGauge(descriptor: .init(metricName: name, unitName: "", helpText: help), labels: labels)
        }
        func counter(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Counter {
            r.makeCounter(descriptor: .init(metricName: name, unitName: "total", helpText: help), labels: labels)
        }
        gauge(
            "surel_info", "The surel that answers (always 1).",
            [("version", SurelVersion.number), ("commit", SurelVersion.commit)]
        ).set(to: 1)
        // Counters only for what never goes down: a quarantined mail processed again becomes ticket mail, so the
        // quarantine is a gauge.
        for kind in ["ticket", "autoreply", "bounce", "unsubscribe"] {
            counter(
                "surel_mail_ingested",
                "Incoming mail stored, by what it was: ticket mail, auto-reply, bounce, unsubscribe.", [("kind", kind)]
            ).increment(by: Int64(m.counts.mailByKind[kind] ?? 0))
        }
        counter("surel_mail_duplicates", "Second copies of a stored mail (another relay) recorded.")
            .increment(by: Int64(m.counts.duplicates))
        gauge("surel_quarantined_messages", "Mail that could not be read, kept with its bytes for a retry.")
            .set(to: Double(m.counts.mailByKind["quarantined"] ?? 0))
        for status in TicketStatus.allCases {
            gauge("surel_tickets", "Tickets by status.", [("status", status.rawValue)])
                .set(to: Double(m.counts.ticketsByStatus[status.rawValue] ?? 0))
        }
        gauge("surel_review_queue", "Tickets waiting for an agent to confirm their category.")
            .set(to: Double(m.counts.reviewQueue))
        for status in ["queued", "sending", "sent", "failed"] {
            gauge(
                "surel_outbox", "Outgoing mail (acknowledgements, answers, escalations, BAK, blast tests) by state.",
                [("status", status)]
            ).set(to: Double(m.counts.outboxByStatus[status] ?? 0))
        }
        gauge(
            "surel_outbox_oldest_queued_age_seconds",
            "How long the oldest mail still waiting to be sent has waited (0: none waits)."
        ).set(to: m.oldestQueuedAge.rounded())
        // A sent recipient can bounce later: states are gauges.
        for state in BlastRecipientState.allCases {
            gauge(
                "surel_blast_recipients",
                "Blast recipients by state: sent, failed, bounced, deferred, pending, sending, suppressed.",
                [("state", state.rawValue)]
            ).set(to: Double(m.counts.blastByState[state.rawValue] ?? 0))
        }
        gauge("surel_sla_owed", "Tickets owed an answer.").set(to: Double(m.slaOwed))
        gauge("surel_sla_breached", "Tickets owed an answer past their SLA deadline.").set(to: Double(m.slaBreached))
        gauge(
            "surel_last_poll_age_seconds", "Seconds since the daemon last read the mailbox successfully (-1: never)."
        ).set(to: m.lastPollAge.map { $0.rounded() } ?? -1)
        return r.emitToBuffer()
    }

    /// 200 when the store answers and the daemon polled recently; 503 otherwise, saying which. Anyone may ask, so
    /// it reads only the daemon's heartbeat row.
    private func health() async throws -> Response {
        let desk = console.desk
        var status = HTTPResponse.Status.ok
        var lines: [String] = []
        do {
            let h = try await console.blocking { try desk.daemonHealth() }
            lines.append("store: ok")
            switch h.isCurrent {
            case true?: lines.append("daemon: ok (last poll \(Int(h.lastPollAge ?? 0)) s ago)")
            case false?:
                status = .serviceUnavailable
                lines.append("daemon: no successful poll for \(Int(h.lastPollAge ?? 0)) s")
            case nil:
                status = .serviceUnavailable
                lines.append("daemon: has never polled")
            }
        } catch {
            status = .serviceUnavailable
            lines.append("store: not answering")
        }
        return Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\n") + "\n")))
    }
}
