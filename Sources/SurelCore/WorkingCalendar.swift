// Working days and service hours for the SLA: Monday to Friday, minus national holidays and collective leave days
// from a calendar file (Defaults/holidays-id.tsv, compiled in; a deployment can name its own), within service hours
// (08:00-17:00 WIB by default). A deadline of N working days is N full service days of service time counted from
// receipt; mail that arrives outside service hours starts counting at the next opening. A date in a year the
// calendar does not cover is an error, never a guess.
import Foundation

public struct ServiceHours: Sendable, Equatable {
    /// Opening and closing, minutes after midnight in `timeZone`.
    public var opens: Int
    public var closes: Int
    public var timeZone: TimeZone
    public init(opens: Int = 8 * 60, closes: Int = 17 * 60, timeZone: TimeZone = TimeZone(identifier: "Asia/Jakarta")!) {
        self.opens = opens; self.closes = closes; self.timeZone = timeZone
    }
    var length: TimeInterval { TimeInterval((closes - opens) * 60) }
}

public struct WorkingCalendar: Sendable {
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var line: Int?
        public var message: String
        public var description: String { line.map { "line \($0): \(message)" } ?? message }
    }

    /// Days off by "yyyy-MM-dd", with their names.
    public let daysOff: [String: String]
    public let years: Set<Int>

    public init(tsv: String) throws {
        var off: [String: String] = [:]
        var years = Set<Int>()
        for (i, raw) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let parts = c[0].split(separator: "-").compactMap { Int($0) }
            guard c.count >= 3, parts.count == 3, parts[1] >= 1, parts[1] <= 12, parts[2] >= 1, parts[2] <= 31,
                  ["libur", "cuti"].contains(c[1]) else {
                throw Problem(line: i + 1, message: "expected yyyy-mm-dd <TAB> libur|cuti <TAB> name")
            }
            off[c[0]] = c[2]
            years.insert(parts[0])
        }
        daysOff = off
        self.years = years
    }

    /// Indonesia's calendar as shipped (2025 and 2026).
    public static let indonesia: WorkingCalendar =
        try! WorkingCalendar(tsv: String(decoding: PackageResources.holidays_id_tsv, as: UTF8.self))

    /// Throws unless the calendar covers `year`.
    public func requireYear(_ year: Int) throws {
        guard years.contains(year) else {
            throw Problem(line: nil, message: "the holiday calendar has no entries for \(year) (it covers "
                          + years.sorted().map(String.init).joined(separator: ", ") + "): add that year's SKB dates")
        }
    }

    func calendar(_ hours: ServiceHours) -> Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = hours.timeZone
        return c
    }

    /// Whether the day of `date` (in the service hours' time zone) is a working day.
    public func isWorkingDay(_ date: Date, hours: ServiceHours = ServiceHours()) throws -> Bool {
        let cal = calendar(hours)
        let d = cal.dateComponents([.year, .month, .day, .weekday], from: date)
        try requireYear(d.year!)
        if d.weekday == 1 || d.weekday == 7 { return false }   // Sunday, Saturday
        return daysOff[String(format: "%04d-%02d-%02d", d.year!, d.month!, d.day!)] == nil
    }

    /// The deadline `workingDays` working days after `received`: that much service time, counted from receipt or
    /// from the next opening when it arrived outside service hours.
    public func deadline(received: Date, workingDays: Int, hours: ServiceHours = ServiceHours()) throws -> Date {
        let cal = calendar(hours)
        var remaining = TimeInterval(workingDays) * hours.length
        var day = cal.startOfDay(for: received)
        var cursor = received
        for _ in 0..<800 {
            let open = day.addingTimeInterval(TimeInterval(hours.opens * 60))
            let close = day.addingTimeInterval(TimeInterval(hours.closes * 60))
            if try isWorkingDay(open, hours: hours) {
                let from = max(cursor, open)
                if from < close {
                    if from.addingTimeInterval(remaining) <= close { return from.addingTimeInterval(remaining) }
                    remaining -= close.timeIntervalSince(from)
                }
            }
            day = cal.date(byAdding: .day, value: 1, to: day)!
            cursor = day
        }
        throw Problem(line: nil, message: "no deadline within 800 days of \(received)")
    }
}
