// What `surel check-config` reports besides the configuration's syntax: where the classifier's model comes from,
// whether the holiday calendar covers this year and the next, and who may read confidential tickets. Read-only:
// it never creates the store.
import Foundation
import SurelCore
import SurelStore

public enum ConfigCheck {
    /// One line per finding, as check-config prints them ("WARNING" and "NOTE" mark what ops should act on).
    public static func findings(_ config: SurelConfig, now: Date = Date()) -> [String] {
        var lines: [String] = []
        if FileManager.default.fileExists(atPath: config.store.path),
            let stored = try? SurelDatabase(path: config.store.path).model(named: ClassifierService.modelName)
        {
            lines.append("classifier: stored model version \(stored.version), trained on \(stored.trainedOn)")
        } else if let folder = config.classify.examples ?? ShippedData.examplesFolder() {
            lines.append("classifier: will be trained at first start on \(folder)")
        } else {
            lines.append(
                "classifier: WARNING no model and no training data: new tickets stay unclassified "
                    + "(set [classify] examples, or run `surel classify train --corpus DIR`)")
        }
        // The SLA counts working days of the holiday calendar: a year it lacks leaves its tickets without deadlines.
        let years = config.sla.calendar.years.sorted()
        let thisYear = now.yearInJakarta
        var calendar = "sla calendar: holidays of \(years.map(String.init).joined(separator: ", "))"
        if !years.contains(thisYear) {
            calendar += "; WARNING \(thisYear) is missing: tickets get no SLA deadline ([sla] calendar)"
        } else if !years.contains(thisYear + 1) {
            calendar += "; NOTE add \(thisYear + 1) before January ([sla] calendar)"
        }
        lines.append(calendar)
        let confidential = config.taxonomy.confidentialSlugs.sorted().joined(separator: ", ")
        if config.confidentialReaders.isEmpty {
            lines.append(
                "access: NOTE no [access] confidential_readers: confidential tickets (\(confidential)) can be opened by nobody"
            )
        } else {
            lines.append(
                "access: confidential tickets (\(confidential)) readable by \(config.confidentialReaders.joined(separator: ", "))"
            )
        }
        return lines
    }
}
