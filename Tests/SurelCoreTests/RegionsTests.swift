import Foundation
import XCTest
@testable import SurelCore

final class RegionsTests: XCTestCase {
    private func profile(_ email: String) -> SenderProfile {
        SenderDirectory.profile(forEmail: email)
    }

    // MARK: - Regional governments

    func testKabupatenKediri() {
        let p = profile("bpkad@kedirikab.go.id")
        XCTAssertEqual(p.senderClass, .pemda)
        XCTAssertEqual(p.region, Region(name: "Kabupaten Kediri", province: "Jawa Timur", timeZone: .wib))
    }

    func testKotaKediri() {
        let p = profile("keuangan@kedirikota.go.id")
        XCTAssertEqual(p.senderClass, .pemda)
        XCTAssertEqual(p.region?.name, "Kota Kediri")
        XCTAssertEqual(p.region?.province, "Jawa Timur")
        XCTAssertEqual(p.region?.timeZone, .wib)
    }

    func testProvinces() {
        let jatim = profile("bpkad@jatimprov.go.id")
        XCTAssertEqual(jatim.senderClass, .pemda)
        XCTAssertEqual(jatim.region, Region(name: "Provinsi Jawa Timur", province: "Jawa Timur", timeZone: .wib))
        XCTAssertEqual(jatim.region?.isProvince, true)

        XCTAssertEqual(profile("a@jakarta.go.id").region?.name, "Provinsi DKI Jakarta")
        XCTAssertEqual(profile("a@jogjaprov.go.id").region?.province, "Daerah Istimewa Yogyakarta")
        XCTAssertEqual(profile("a@papua.go.id").region?.timeZone, .wit)
        XCTAssertEqual(profile("a@baliprov.go.id").region?.timeZone, .wita)
    }

    func testTimeZones() {
        let samarinda = profile("bapenda@samarindakota.go.id")
        XCTAssertEqual(samarinda.senderClass, .pemda)
        XCTAssertEqual(samarinda.region?.name, "Kota Samarinda")
        XCTAssertEqual(samarinda.region?.province, "Kalimantan Timur")
        XCTAssertEqual(samarinda.region?.timeZone, .wita)
        XCTAssertEqual(samarinda.region?.timeZone.utcOffsetHours, 8)

        let jayapura = profile("bpkad@jayapurakota.go.id")
        XCTAssertEqual(jayapura.region?.name, "Kota Jayapura")
        XCTAssertEqual(jayapura.region?.province, "Papua")
        XCTAssertEqual(jayapura.region?.timeZone, .wit)
        XCTAssertEqual(jayapura.region?.timeZone.utcOffsetHours, 9)

        let merauke = profile("keuangan@meraukekab.go.id")
        XCTAssertEqual(merauke.region?.province, "Papua Selatan")
        XCTAssertEqual(merauke.region?.timeZone, .wit)

        XCTAssertEqual(profile("x@pontianak.go.id").region?.timeZone, .wib)  // Kalimantan Barat
        XCTAssertEqual(profile("x@badungkab.go.id").region?.timeZone, .wita)  // Bali
        XCTAssertEqual(IndonesianTimeZone.wib.utcOffsetHours, 7)
        XCTAssertEqual(IndonesianTimeZone.wita.foundationTimeZone.secondsFromGMT(), 8 * 3600)
    }

    func testIrregularDomains() {
        XCTAssertEqual(profile("x@surabaya.go.id").region?.name, "Kota Surabaya")
        XCTAssertEqual(profile("x@bandung.go.id").region?.name, "Kota Bandung")
        XCTAssertEqual(profile("x@bandungkab.go.id").region?.name, "Kabupaten Bandung")
        XCTAssertEqual(profile("x@kotabogor.go.id").region?.name, "Kota Bogor")
        XCTAssertEqual(profile("x@bogorkab.go.id").region?.name, "Kabupaten Bogor")
        XCTAssertEqual(profile("x@pemkomedan.go.id").region?.name, "Kota Medan")
        XCTAssertEqual(profile("x@jogjakota.go.id").region?.name, "Kota Yogyakarta")
        XCTAssertEqual(profile("x@inhilkab.go.id").region?.name, "Kabupaten Indragiri Hilir")
        XCTAssertEqual(profile("x@pangkepkab.go.id").region?.name, "Kabupaten Pangkajene dan Kepulauan")
        XCTAssertEqual(profile("x@selatan.jakarta.go.id").region?.name, "Kota Administrasi Jakarta Selatan")
        XCTAssertEqual(profile("x@dinas.selatan.jakarta.go.id").region?.name, "Kota Administrasi Jakarta Selatan")
        // Regular pattern for a region whose usual stem is irregular still works.
        XCTAssertEqual(profile("x@surabayakota.go.id").region?.name, "Kota Surabaya")
        XCTAssertEqual(profile("x@tojounaunakab.go.id").region?.name, "Kabupaten Tojo Una-Una")
        // Prefix spellings.
        XCTAssertEqual(profile("x@pemkabkediri.go.id").region?.name, "Kabupaten Kediri")
        XCTAssertEqual(profile("x@pemkotkediri.go.id").region?.name, "Kota Kediri")
        // Banjar (Jawa Barat city) vs Banjar (Kalimantan Selatan regency).
        XCTAssertEqual(profile("x@banjarkota.go.id").region?.province, "Jawa Barat")
        XCTAssertEqual(profile("x@banjarkab.go.id").region?.province, "Kalimantan Selatan")
    }

    func testSubdomains() {
        XCTAssertEqual(profile("kasubbid@bpkad.kedirikab.go.id").region?.name, "Kabupaten Kediri")
        XCTAssertEqual(profile("admin@mail.jatimprov.go.id").region?.name, "Provinsi Jawa Timur")
        XCTAssertEqual(profile("a@x.y.samarindakota.go.id").region?.name, "Kota Samarinda")
        XCTAssertEqual(profile("a@bpkad.kedirikab.go.id.").region?.name, "Kabupaten Kediri")  // trailing dot
    }

    func testDPRD() {
        let hyphen = profile("setwan@dprd-kedirikab.go.id")
        XCTAssertEqual(hyphen.senderClass, .pemda)
        XCTAssertEqual(hyphen.region?.name, "Kabupaten Kediri")

        let sub = profile("setwan@dprd.jatimprov.go.id")
        XCTAssertEqual(sub.senderClass, .pemda)
        XCTAssertEqual(sub.region?.name, "Provinsi Jawa Timur")

        XCTAssertEqual(profile("a@dprdsamarindakota.go.id").region?.name, "Kota Samarinda")

        let unknown = profile("a@dprd-antah.go.id")
        XCTAssertEqual(unknown, SenderProfile(senderClass: .pemda, region: nil))
        XCTAssertEqual(profile("a@dprd.go.id"), SenderProfile(senderClass: .pemda, region: nil))
    }

    func testVillage() {
        XCTAssertEqual(profile("sekdes@sukamaju.desa.id"), SenderProfile(senderClass: .pemda, region: nil))
        XCTAssertEqual(profile("kades@mail.sukamaju-kediri.desa.id").senderClass, .pemda)
    }

    func testUnknownRegionalPatternIsPemdaWithoutRegion() {
        XCTAssertEqual(profile("a@antahberantahkab.go.id"), SenderProfile(senderClass: .pemda, region: nil))
        XCTAssertEqual(profile("a@antahberantahkota.go.id"), SenderProfile(senderClass: .pemda, region: nil))
        XCTAssertEqual(profile("a@antahberantahprov.go.id"), SenderProfile(senderClass: .pemda, region: nil))
    }

    // MARK: - Other classes

    func testMinistriesAndAgencies() {
        for email in [
            "callcenter.djpk@kemenkeu.go.id", "a@djpk.kemenkeu.go.id", "a@kemendagri.go.id",
            "a@bappenas.go.id", "a@bpk.go.id", "a@bpkp.go.id", "a@kemkes.go.id", "a@lkpp.go.id",
            "a@mil.id", "a@tniad.mil.id", "a@setkab.go.id", "a@kedirikab.bps.go.id",
            "a@jatim.bpk.go.id", "a@kanwil.djpb.kemenkeu.go.id",
        ] {
            XCTAssertEqual(profile(email), SenderProfile(senderClass: .kl, region: nil), email)
        }
    }

    func testAcademia() {
        for email in [
            "dosen@ugm.ac.id", "mhs@mail.ugm.ac.id", "guru@sman1kediri.sch.id",
            "a@mit.edu", "a@unimelb.edu.au", "a@ox.ac.uk",
        ] {
            XCTAssertEqual(profile(email), SenderProfile(senderClass: .akademisi, region: nil), email)
        }
    }

    func testOthers() {
        for email in [
            "bpkad.kedirikab@gmail.com", "a@yahoo.co.id", "a@pt-contoh.co.id",
            "a@kediri.go.id.example.com", "a@example.id", "a@kedirikab.com",
        ] {
            XCTAssertEqual(profile(email), .unknown, email)
        }
    }

    func testCaseAndFormatting() {
        XCTAssertEqual(profile("BPKAD@KEDIRIKAB.GO.ID").region?.name, "Kabupaten Kediri")
        XCTAssertEqual(profile("  Bpkad@Bpkad.KediriKab.Go.Id \n").region?.name, "Kabupaten Kediri")
        XCTAssertEqual(profile("BPKAD Kediri <bpkad@kedirikab.go.id>").region?.name, "Kabupaten Kediri")
        XCTAssertEqual(profile("mailto:bpkad@kedirikab.go.id").region?.name, "Kabupaten Kediri")
        XCTAssertEqual(profile("UGM <X@UGM.AC.ID>").senderClass, .akademisi)
        XCTAssertEqual(SenderDirectory.profile(forDomain: "KEMENKEU.GO.ID").senderClass, .kl)
    }

    func testMalformedInput() {
        for email in [
            "", " ", "@", "kedirikab.go.id", "bpkad@", "@kedirikab.go.id", "a@b",
            "a@kedirikab..go.id", "a@.go.id", "<>", "Name <bpkad@kedirikab.go.id",
            "a@ke diri.go.id", "a@kédiri.go.id", "a@@", "\u{0}@\u{0}",
        ] {
            XCTAssertEqual(profile(email), .unknown, "\(email.debugDescription)")
        }
        XCTAssertEqual(profile("a@go.id").senderClass, .kl)
    }

    // MARK: - Table sanity

    func testTableHasNoProblems() {
        XCTAssertEqual(SenderDirectory.tableProblems, [])
    }

    func testThirtyEightProvinces() {
        XCTAssertEqual(SenderDirectory.provinces.count, 38)
        XCTAssertEqual(Set(SenderDirectory.provinces).count, 38)
        let provinceRegions = SenderDirectory.regions.filter(\.isProvince)
        XCTAssertEqual(provinceRegions.count, 38)
    }

    func testRegionCounts() {
        let regions = SenderDirectory.regions
        let kab = regions.filter { $0.name.hasPrefix("Kabupaten ") }
        let kota = regions.filter { $0.name.hasPrefix("Kota ") }
        XCTAssertEqual(kab.count, 416)
        XCTAssertEqual(kota.count, 98)
        XCTAssertEqual(regions.count, 38 + 416 + 98)
        XCTAssertEqual(Set(regions.map(\.name)).count, regions.count)
    }

    func testRegionsNameKnownProvinceAndShareItsTimeZone() {
        let provinces = Set(SenderDirectory.provinces)
        let zoneOf = Dictionary(
            uniqueKeysWithValues: SenderDirectory.regions.filter(\.isProvince)
                .map { ($0.province, $0.timeZone) })
        for region in SenderDirectory.regions {
            XCTAssertTrue(provinces.contains(region.province), region.name)
            XCTAssertEqual(region.timeZone, zoneOf[region.province], region.name)
        }
        // Every province has at least one regency or city.
        for province in provinces {
            XCTAssertTrue(SenderDirectory.regions.contains { !$0.isProvince && $0.province == province }, province)
        }
    }

    func testProvinceTimeZones() {
        let expected: [IndonesianTimeZone: Set<String>] = [
            .wib: [
                "Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Kepulauan Riau", "Jambi",
                "Sumatera Selatan", "Kepulauan Bangka Belitung", "Bengkulu", "Lampung", "DKI Jakarta",
                "Jawa Barat", "Jawa Tengah", "Daerah Istimewa Yogyakarta", "Jawa Timur", "Banten",
                "Kalimantan Barat", "Kalimantan Tengah",
            ],
            .wita: [
                "Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur", "Kalimantan Selatan",
                "Kalimantan Timur", "Kalimantan Utara", "Sulawesi Utara", "Sulawesi Tengah",
                "Sulawesi Selatan", "Sulawesi Tenggara", "Gorontalo", "Sulawesi Barat",
            ],
            .wit: [
                "Maluku", "Maluku Utara", "Papua", "Papua Barat", "Papua Selatan", "Papua Tengah",
                "Papua Pegunungan", "Papua Barat Daya",
            ],
        ]
        XCTAssertEqual(expected.values.map(\.count).reduce(0, +), 38)
        for region in SenderDirectory.regions where region.isProvince {
            XCTAssertTrue(
                expected[region.timeZone]?.contains(region.province) == true,
                "\(region.province) should not be \(region.timeZone.rawValue)")
        }
    }

    func testEveryRegionIsFoundByItsPrimaryStem() {
        for region in SenderDirectory.regions {
            guard let stem = SenderDirectory.primaryStem(of: region) else {
                XCTFail("no stem for \(region.name)")
                continue
            }
            XCTAssertEqual(profile("bpkad@" + stem + ".go.id").region, region, stem)
            XCTAssertEqual(SenderDirectory.region(forStem: stem), region, stem)
        }
    }

    func testStemsAreWellFormed() {
        for region in SenderDirectory.regions {
            let stem = SenderDirectory.primaryStem(of: region) ?? ""
            XCTAssertFalse(stem.isEmpty)
            XCTAssertTrue(
                stem.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "." },
                stem)
        }
    }

    func testConcurrentLookups() {
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let email = i.isMultiple(of: 2) ? "a@kedirikab.go.id" : "a@samarindakota.go.id"
            XCTAssertEqual(SenderDirectory.profile(forEmail: email).senderClass, .pemda)
        }
    }
}
