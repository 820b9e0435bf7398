// Sender classification from an e-mail address: user class (Pemda / K-L / Akademisi / Lainnya)
// and, for regional governments, the region and its time zone. Pure; the data is in RegionTable.swift.

import Foundation

/// Indonesia's three time zones.
public enum IndonesianTimeZone: String, Codable, Sendable, CaseIterable {
    case wib = "WIB"  // Waktu Indonesia Barat, UTC+7
    case wita = "WITA"  // Waktu Indonesia Tengah, UTC+8
    case wit = "WIT"  // Waktu Indonesia Timur, UTC+9

    public var utcOffsetHours: Int {
        switch self {
        case .wib: return 7
        case .wita: return 8
        case .wit: return 9
        }
    }

    /// A fixed-offset Foundation time zone (Indonesia has no daylight saving time).
    public var foundationTimeZone: TimeZone {
        TimeZone(secondsFromGMT: utcOffsetHours * 3600)!
    }
}

/// A province, regency (kabupaten) or city (kota).
public struct Region: Equatable, Hashable, Sendable {
    /// Display name: "Provinsi Jawa Timur", "Kabupaten Kediri", "Kota Kediri",
    /// "Kota Administrasi Jakarta Selatan".
    public let name: String
    /// Province name as in the table: "Jawa Timur".
    public let province: String
    public let timeZone: IndonesianTimeZone

    public init(name: String, province: String, timeZone: IndonesianTimeZone) {
        self.name = name
        self.province = province
        self.timeZone = timeZone
    }

    /// True for a province-level government (name starts with "Provinsi ").
    public var isProvince: Bool { name.hasPrefix("Provinsi ") }
}

/// The user classes of the monthly report.
public enum SenderClass: String, Codable, Sendable, CaseIterable {
    case pemda  // regional government, incl. DPRD and villages
    case kl  // ministries and agencies (Kementerian/Lembaga)
    case akademisi  // universities and schools
    case lainnya  // everyone else: public, companies, webmail
}

public struct SenderProfile: Equatable, Sendable {
    public let senderClass: SenderClass
    public let region: Region?

    public init(senderClass: SenderClass, region: Region?) {
        self.senderClass = senderClass
        self.region = region
    }

    public static let unknown = SenderProfile(senderClass: .lainnya, region: nil)
}

public enum SenderDirectory {
    /// Classifies the sender of an e-mail address. Case-insensitive; accepts a bare address,
    /// `Name <addr>` or `mailto:addr`. Malformed input yields `.lainnya` with no region.
    public static func profile(forEmail email: String) -> SenderProfile {
        guard let domain = domainPart(of: email) else { return .unknown }
        return profile(forDomain: domain)
    }

    /// Classifies a mail domain (`bpkad.kedirikab.go.id`). Case-insensitive.
    public static func profile(forDomain rawDomain: String) -> SenderProfile {
        var domain = rawDomain.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        while domain.hasSuffix(".") { domain.removeLast() }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard labels.count >= 2, labels.allSatisfy(isValidLabel) else { return .unknown }

        let n = labels.count
        let tld = labels[n - 1]
        let second = labels[n - 2]

        if tld == "id" {
            switch second {
            case "go":
                return governmentProfile(Array(labels.dropLast(2)))
            case "desa":
                return SenderProfile(senderClass: .pemda, region: nil)
            case "ac", "sch":
                return SenderProfile(senderClass: .akademisi, region: nil)
            case "mil":
                return SenderProfile(senderClass: .kl, region: nil)
            default:
                return .unknown
            }
        }
        if tld == "edu" { return SenderProfile(senderClass: .akademisi, region: nil) }
        // Foreign academia: *.edu.au, *.ac.uk, *.ac.jp, ...
        if tld.count == 2, n >= 3, second == "edu" || second == "ac" {
            return SenderProfile(senderClass: .akademisi, region: nil)
        }
        return .unknown
    }

    /// The region for a `.go.id` stem ("kedirikab", "selatan.jakarta"), if known.
    public static func region(forStem stem: String) -> Region? {
        directory.byStem[stem.lowercased()]
    }

    /// All regions of the table: 38 provinces first, then regencies and cities, in table order.
    public static var regions: [Region] { directory.regions }

    /// Province names in table order.
    public static var provinces: [String] { directory.provinceNames }

    /// Problems found while loading the table (malformed lines, unknown provinces, a stem
    /// claimed by two regions). Empty for a healthy table; the tests assert that.
    public static var tableProblems: [String] { directory.problems }

    /// Primary domain stem of each region (the first stem listed in the table), by region name.
    public static func primaryStem(of region: Region) -> String? {
        directory.primaryStem[region.name]
    }

    // MARK: - Address parsing

    static func domainPart(of email: String) -> String? {
        var s = Substring(email.trimmingCharacters(in: .whitespacesAndNewlines))
        if let open = s.lastIndex(of: "<") {
            let rest = s[s.index(after: open)...]
            guard let close = rest.firstIndex(of: ">") else { return nil }
            s = rest[..<close]
        }
        if s.lowercased().hasPrefix("mailto:") { s = s.dropFirst(7) }
        s = Substring(s.trimmingCharacters(in: .whitespaces))
        guard let at = s.lastIndex(of: "@") else { return nil }
        let local = s[..<at]
        let domain = s[s.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else { return nil }
        return String(domain)
    }

    private static func isValidLabel(_ label: String) -> Bool {
        !label.isEmpty
            && label.unicodeScalars.allSatisfy { c in
                (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "-" || c == "_"
            }
    }

    // MARK: - Government domains

    /// `labels` are the labels before `go.id`, e.g. ["bpkad", "kedirikab"].
    private static func governmentProfile(_ labels: [String]) -> SenderProfile {
        guard let last = labels.last else { return SenderProfile(senderClass: .kl, region: nil) }
        let dir = directory

        // 1. Known stems, two labels first (selatan.jakarta), then one (kedirikab).
        if labels.count >= 2, let r = dir.byStem[labels[labels.count - 2] + "." + last] {
            return SenderProfile(senderClass: .pemda, region: r)
        }
        if let r = dir.byStem[last] { return SenderProfile(senderClass: .pemda, region: r) }

        // 2. DPRD: dprd-kedirikab.go.id, dprdkedirikab.go.id, dprd.kedirikab.go.id (handled above),
        //    dprd.go.id and any other domain with a dprd label.
        if last.hasPrefix("dprd") {
            var stem = Substring(last.dropFirst(4))
            while stem.first == "-" || stem.first == "_" { stem = stem.dropFirst() }
            let region = stem.isEmpty ? nil : dir.resolve(String(stem))
            return SenderProfile(senderClass: .pemda, region: region)
        }
        if labels.contains(where: { $0.hasPrefix("dprd") }) {
            return SenderProfile(senderClass: .pemda, region: nil)
        }

        // 3. Regional-government name patterns not in the table (or irregular spellings),
        //    except central-government stems that merely look regional.
        if nonRegionalStems.contains(last) { return SenderProfile(senderClass: .kl, region: nil) }
        if let r = dir.resolve(last) { return SenderProfile(senderClass: .pemda, region: r) }
        if Directory.looksRegional(last.replacingOccurrences(of: "-", with: "")) {
            return SenderProfile(senderClass: .pemda, region: nil)
        }

        // 4. Everything else under go.id: ministries and agencies.
        return SenderProfile(senderClass: .kl, region: nil)
    }

    /// `.go.id` stems of central agencies that match the regional patterns (`setkab` =
    /// Sekretariat Kabinet). Note that `kedirikab.bps.go.id` needs no entry: only the label
    /// just before `.go.id` (here `bps`) decides.
    static let nonRegionalStems: Set<String> = ["setkab"]

    // MARK: - The table, parsed once

    /// Built lazily and thread-safely on first use (Swift `static let`).
    static let directory = Directory(
        provinceTable: RegionTable.provinceTable,
        regionTable: RegionTable.regionTable)

    struct Directory: Sendable {
        var regions: [Region] = []
        var provinceNames: [String] = []
        var byStem: [String: Region] = [:]
        var primaryStem: [String: String] = [:]
        var problems: [String] = []

        init(provinceTable: String, regionTable: String) {
            var provinceZone: [String: IndonesianTimeZone] = [:]

            for (lineNo, fields) in Self.rows(provinceTable) {
                guard fields.count == 3 else {
                    problems.append("provinceTable line \(lineNo): expected 3 columns, got \(fields.count)")
                    continue
                }
                let name = fields[0]
                guard let tz = IndonesianTimeZone(rawValue: fields[1].uppercased()) else {
                    problems.append("provinceTable line \(lineNo): unknown time zone '\(fields[1])'")
                    continue
                }
                if provinceZone[name] != nil {
                    problems.append("provinceTable line \(lineNo): duplicate province '\(name)'")
                    continue
                }
                let region = Region(name: "Provinsi " + name, province: name, timeZone: tz)
                provinceZone[name] = tz
                provinceNames.append(name)
                add(
                    region, listed: Self.stems(fields[2]), regular: Self.normalize(name) + "prov",
                    where: "provinceTable line \(lineNo)")
            }

            for (lineNo, fields) in Self.rows(regionTable) {
                guard fields.count == 4 else {
                    problems.append("regionTable line \(lineNo): expected 4 columns, got \(fields.count)")
                    continue
                }
                let (kind, name, province) = (fields[0].lowercased(), fields[1], fields[2])
                let prefix: String, suffix: String
                switch kind {
                case "kab": prefix = "Kabupaten "; suffix = "kab"
                case "kota": prefix = "Kota "; suffix = "kota"
                case "kabadm": prefix = "Kabupaten Administrasi "; suffix = "kab"
                case "kotaadm": prefix = "Kota Administrasi "; suffix = "kota"
                default:
                    problems.append("regionTable line \(lineNo): unknown kind '\(kind)'")
                    continue
                }
                guard let tz = provinceZone[province] else {
                    problems.append("regionTable line \(lineNo): unknown province '\(province)'")
                    continue
                }
                let region = Region(name: prefix + name, province: province, timeZone: tz)
                if primaryStem[region.name] != nil {
                    problems.append("regionTable line \(lineNo): duplicate region '\(region.name)'")
                    continue
                }
                add(
                    region, listed: Self.stems(fields[3]), regular: Self.normalize(name) + suffix,
                    where: "regionTable line \(lineNo)")
            }
        }

        private mutating func add(_ region: Region, listed: [String], regular: String, where location: String) {
            regions.append(region)
            if listed.isEmpty { problems.append("\(location): no domain stem for \(region.name)") }
            primaryStem[region.name] = listed.first ?? regular
            for stem in listed + [regular] {
                if let other = byStem[stem] {
                    if other != region {
                        problems.append("\(location): stem '\(stem)' of \(region.name) already used by \(other.name)")
                    }
                    continue
                }
                byStem[stem] = region
            }
        }

        /// Resolves irregular spellings of the regular patterns:
        /// pemkab<name> / kab<name> -> <name>kab, pemkot<name> / pemko<name> / kota<name> -> <name>kota,
        /// pemprov<name> / prov<name> -> <name>prov; hyphens ignored.
        func resolve(_ label: String) -> Region? {
            let l = label.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
            if let r = byStem[l] { return r }
            let rules: [(String, String)] = [
                ("pemkab", "kab"), ("pemkot", "kota"), ("pemko", "kota"), ("pemprov", "prov"),
                ("kabupaten", "kab"), ("provinsi", "prov"), ("kab", "kab"), ("kota", "kota"), ("prov", "prov"),
            ]
            for (prefix, suffix) in rules where l.hasPrefix(prefix) && l.count > prefix.count {
                if let r = byStem[String(l.dropFirst(prefix.count)) + suffix] { return r }
            }
            return nil
        }

        /// A stem shaped like a regional government (`xyzkab`, `pemkotxyz`), known or not.
        static func looksRegional(_ l: String) -> Bool {
            for suffix in ["kab", "kota", "prov"] where l.hasSuffix(suffix) && l.count > suffix.count + 1 {
                return true
            }
            for prefix in ["pemkab", "pemkot", "pemko", "pemprov"]
            where l.hasPrefix(prefix) && l.count > prefix.count + 1 {
                return true
            }
            return false
        }

        static func normalize(_ name: String) -> String {
            String(
                String.UnicodeScalarView(
                    name.lowercased().unicodeScalars.filter {
                        ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9")
                    }))
        }

        static func stems(_ field: String) -> [String] {
            field.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }.filter { !$0.isEmpty }
        }

        /// Non-comment, non-blank lines split on TAB, with 1-based line numbers.
        static func rows(_ table: String) -> [(Int, [String])] {
            var out: [(Int, [String])] = []
            for (i, raw) in table.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimmingCharacters(
                    in: .whitespacesAndNewlines.subtracting(CharacterSet(charactersIn: "\t")))
                if line.isEmpty || line.hasPrefix("#") { continue }
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                out.append((i + 1, fields))
            }
            return out
        }
    }
}
