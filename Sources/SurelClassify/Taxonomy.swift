// The categories of mail: data, not code. The defaults below ship with the binary; a deployment replaces them
// with its own file (`[classify] taxonomy = "PATH"`, same format) — adding a topic such as "Inpres 1/2025"
// needs no new build. Format: one category per line, tab-separated:
//   slug <TAB> display name <TAB> Layer 2 unit ("-" for none) <TAB> confidential (yes/no) <TAB> description
// Lines starting with # and empty lines are ignored.
import Foundation

public struct Category: Sendable, Equatable {
    public var slug: String
    public var name: String
    /// The Layer 2 unit that answers escalations of this category, nil when none does.
    public var unit: String?
    /// Only the supervisor may see such tickets (Pengaduan).
    public var confidential: Bool
    public var description: String
}

public struct Taxonomy: Sendable {
    public let categories: [Category]

    public var slugs: [String] { categories.map(\.slug) }
    public var confidentialSlugs: Set<String> { Set(categories.filter(\.confidential).map(\.slug)) }
    public func category(_ slug: String) -> Category? { categories.first { $0.slug == slug } }

    public typealias Problem = DataFileProblem

    /// Parses the format above; every bad line is reported with its number.
    public init(tsv: String) throws {
        var out: [Category] = []
        var problems: [Problem] = []
        for (n, columns) in dataFileRecords(tsv) {
            let c = columns.map { $0.trimmingCharacters(in: .whitespaces) }
            guard c.count >= 4 else {
                problems.append(Problem(line: n, message: "expected slug, name, unit, confidential[, description] separated by tabs"))
                continue
            }
            guard c[0].range(of: #"^[a-z0-9][a-z0-9-]*$"#, options: .regularExpression) != nil else {
                problems.append(Problem(line: n, message: "slug \"\(c[0])\" must be lowercase letters, digits and dashes"))
                continue
            }
            guard ["yes", "no"].contains(c[3].lowercased()) else {
                problems.append(Problem(line: n, message: "confidential must be yes or no (got \"\(c[3])\")"))
                continue
            }
            if out.contains(where: { $0.slug == c[0] }) {
                problems.append(Problem(line: n, message: "slug \"\(c[0])\" defined twice"))
                continue
            }
            out.append(Category(slug: c[0], name: c[1], unit: c[2] == "-" || c[2].isEmpty ? nil : c[2],
                                confidential: c[3].lowercased() == "yes", description: c.count > 4 ? c[4] : ""))
        }
        if let first = problems.first { throw first }
        guard !out.isEmpty else { throw Problem(line: 0, message: "no categories") }
        categories = out
    }

    /// The 19 categories of the DJPK Contact Center (monthly report, February 2025).
    public static let standard: Taxonomy = try! Taxonomy(tsv: defaultTSV)

    static let defaultTSV = """
    # slug\tname\tLayer 2 unit\tconfidential\tdescription
    surat-masuk\tSurat Masuk\tSekretariat\tno\tThe mail transmits an official letter, or asks about the progress of one already sent
    spam\tSpam\t-\tno\tGambling, phishing impersonating DJPK/Kemenkeu, fake invoices, SEO offers, crypto, loans, scams
    dau\tDAU\tDTU\tno\tDana Alokasi Umum: distribution, earmarked DAU, requirements, delays, THR / 13th salary
    dbh\tDBH\tDTU\tno\tDana Bagi Hasil: tax and natural-resource revenue sharing, tobacco excise, under/overpayment
    dana-desa\tDana Desa\tDDIOKK\tno\tVillage funds: distribution stages, BLT Desa, OM-SPAN requirements, ceilings
    pdrd\tPDRD\tPDRD\tno\tRegional taxes and levies: Perda evaluation, UU HKPD, opsen PKB/BBNKB, PBB-P2, BPHTB
    jfakpd\tJFAKPD\tSekretariat\tno\tFunctional position Analis Keuangan Pusat dan Daerah: appointment, inpassing, credits
    shsr\tSHSR\tP2D\tno\tStandar Harga Satuan Regional (regional unit price standards)
    dak-fisik\tDAK Fisik\tDTK\tno\tPhysical special allocation fund: proposals, review, contracts, distribution, reports
    dak-nonfisik\tDAK Non Fisik\tDTK\tno\tNon-physical special allocation fund: BOS, BOP PAUD, teacher allowances, BOK
    permintaan-data\tPermintaan Data\tSIPT\tno\tRequests for data: APBD, realisation, transfers per region
    pengaduan\tPengaduan\tSekretariat\tyes\tComplaints and whistleblowing: only the supervisor sees them
    reservasi\tReservasi\tSekretariat\tno\tBooking a face-to-face consultation or a video conference
    non-djpk\tNon-DJPK\t-\tno\tBelongs to another agency (central taxes, salaries at DJPb, BPJS, recruitment): answer with a pointer
    aplikasi\tAplikasi\tSIPT\tno\tProblems with DJPK applications: SIKD, transfer applications, portal, passwords, uploads
    evkeuda\tEv. Keuda\tP2D\tno\tEvaluation of regional finances: APBD evaluation, fiscal ratios and capacity, regional loans
    dkd\tDKD\tSIPT\tno\tRegional financial data: the duty to submit APBD/realisation data (SIKD), sanctions for lateness
    did\tDID\tDDIOKK\tno\tDana Insentif Daerah / fiscal incentives: criteria, allocation, distribution
    lainnya\tLainnya\tSekretariat\tno\tAnything else for DJPK: Inpres 1/2025 efficiency, event registration, general questions
    """
}
