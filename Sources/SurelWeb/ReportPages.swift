// The monthly report in the console (supervisors and admins): a month picker, the report on screen with its SVG
// charts, and the same report to download as HTML (one self-contained file), CSV or JSON.
import Foundation
import Hummingbird
import SurelEngine

struct ReportPages {
    let console: Console

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("/report") { request, context in try await page(request, context) }
        group.get("/report/download") { request, context in try await download(request, context) }
    }

    private func report(_ request: Request, _ context: WebContext) async throws -> MonthlyReport {
        let month = request.uri.queryParameters.get("month").map { String($0) } ?? Labels.currentMonth()
        return try await console.ask(context, otherwise: .badRequest) {
            try console.desk.monthlyReport(month: month, as: $0)
        }
    }

    private func page(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        let r = try await report(request, context)
        var values = ReportHTML.values(r)
        values["title"] = "Laporan bulanan"
        values["downloads"] = ["pdf", "html", "csv", "json"].map { ["format": $0, "month": r.month] }
        return console.pages.render("report", values, session: session)
    }

    private func download(_ request: Request, _ context: WebContext) async throws -> Response {
        let r = try await report(request, context)
        let format = request.uri.queryParameters.get("format").map { String($0) } ?? "html"
        let (type, body): (String, Data)
        switch format {
        case "html":
            (type, body) = ("text/html; charset=utf-8", Data(ReportHTML.document(r, pages: console.pages).utf8))
        case "csv": (type, body) = ("text/csv; charset=utf-8", Data(r.csv().utf8))
        case "pdf": (type, body) = ("application/pdf", try await console.blocking { try r.pdf() })
        case "json":
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            (type, body) = ("application/json", try encoder.encode(r))
        default: throw HTTPError(.badRequest)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: type,
                .contentDisposition: "attachment; filename=\"laporan-surel-\(r.month).\(format)\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The report as one self-contained HTML file (its style inside, its charts SVG), for `surel report monthly`.
public enum ReportDocument {
    public static func html(_ report: MonthlyReport) throws -> String {
        ReportHTML.document(report, pages: try Pages())
    }
}

/// The report's values for the `reportbody` partial, and the standalone HTML document.
enum ReportHTML {
    static func document(_ r: MonthlyReport, pages: Pages) -> String {
        var values = values(r)
        values["title"] = "Laporan Layanan Email Contact Center DJPK \(Labels.month(r.month))"
        values["style"] = String(decoding: PackageResources.report_css, as: UTF8.self)
        return pages.library.render(values, withTemplate: "reportdoc") ?? ""
    }

    static func one(_ x: Double) -> String { MonthlyReport.decimal(x) }

    static func values(_ r: MonthlyReport) -> [String: Any] {
        let month = Labels.month(r.month), text = r.sentences
        let placedOut = r.serviceHours.zones.map(\.outOfHours).reduce(0, +)
        return TicketPages.present([
            "month": r.month, "monthName": month, "empty": r.empty, "hasUnits": !r.units.isEmpty,
            "hasAgents": r.satisfaction != nil, "hasBlasts": !r.blasts.isEmpty,
            "emailsText": text.emails, "lettersText": text.letters,
            "categoriesChart": SVGChart.horizontalBars(r.categories.map { ($0.name, $0.count) }),
            "categories": r.categories.map { ["name": $0.name, "count": $0.count, "percent": one($0.percent)] },
            "classesChart": SVGChart.horizontalBars(r.senderClasses.map { ($0.name, $0.count) }),
            "classes": r.senderClasses.map { ["name": $0.name, "count": $0.count, "percent": one($0.percent)] },
            "regions": r.busiestRegions.isEmpty
                ? nil
                : r.busiestRegions.map {
                    // The five topics it wrote most about, as the report lists them.
                    ["region": $0.region, "tickets": $0.tickets, "topics": $0.topics.prefix(5).joined(separator: ", ")]
                },
            "hoursText": text.hours,
            "zones": r.serviceHours.zones.map { z -> [String: Any] in
                [
                    "zone": z.zone, "in": z.inHours, "out": z.outOfHours,
                    "outPercent": placedOut == 0 ? "0,0" : one(Double(z.outOfHours) / Double(placedOut) * 100),
                ]
            },
            "hoursChart": SVGChart.pairedBars(
                r.serviceHours.zones.map { ($0.zone, $0.inHours, $0.outOfHours) },
                legend: ("Dalam jam layanan", "Luar jam layanan")),
            "escalatedText": text.escalated,
            "complaintsText": text.complaints,
            "units": r.units.isEmpty
                ? nil
                : r.units.map {
                    TicketPages.present([
                        "unit": $0.unit, "name": $0.name, "escalations": $0.escalations, "answered": $0.answered,
                        "score": $0.averageScore.map(one) ?? "–",
                    ])
                },
            "unitsChart": SVGChart.horizontalBars(r.units.map { ($0.unit, $0.escalations) }),
            "bestText": text.best,
            "slaPlain": text.slaPlain, "slaEscalated": text.slaEscalated,
            "breaches": r.sla.breaches,
            "agents": r.satisfaction.map { agents in
                agents.map {
                    [
                        "agent": $0.name, "ratings": $0.ratings, "citizens": $0.citizens, "service": one($0.service),
                        "substance": one($0.substance), "overall": one($0.overall), "short": !$0.meetsMinimum,
                    ] as [String: Any]
                }
            },
            "blasts": r.blasts.isEmpty
                ? nil
                : r.blasts.map {
                    [
                        "date": $0.date, "subject": $0.subject, "recipients": $0.recipients, "sent": $0.sent,
                        "bounced": $0.bounced, "unsubscribed": $0.unsubscribed,
                    ] as [String: Any]
                },
        ])
    }
}
