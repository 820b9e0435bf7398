// The table of Indonesian regional governments used by `SenderDirectory`.
// Over 600 lines because it is data, one line per province (38) and per region (514), not code: splitting it
// would only scatter one table.
//
// Plain TSV (TAB-separated) inside Swift string literals, so operators can read and edit
// it without a resource bundle. Lines starting with `#` and blank lines are ignored.
//
// provinceTable columns:  name <TAB> time zone (WIB|WITA|WIT) <TAB> domain stems
// regionTable columns:    kind <TAB> name <TAB> province <TAB> domain stems
//
//   kind    kab = Kabupaten, kota = Kota, kabadm / kotaadm = Kabupaten / Kota Administrasi (DKI Jakarta)
//   stems   comma-separated labels that precede `.go.id`; the first is the usual domain
//           (`kedirikab` = kedirikab.go.id). A stem may hold a dot for sub-domains of another
//           government (`selatan.jakarta` = selatan.jakarta.go.id). The regular forms
//           `<name>kab`, `<name>kota` and `<name>prov` (name lower-cased, letters and digits only)
//           are always recognised too, so they need not be listed.
//   A regency/city takes the time zone of its province.
//
// Irregular domains listed here are best knowledge; where unsure the regular pattern is used.
// `SenderDirectory.tableProblems` (checked by the tests) reports malformed lines, unknown
// provinces and stems claimed by two regions.
// Counts: 38 provinces, 416 kabupaten (incl. 1 administrative), 98 kota (incl. 5 administrative).

enum RegionTable {
    static let provinceTable = """
        # name	time zone	stems
        Aceh	WIB	acehprov
        Sumatera Utara	WIB	sumutprov
        Sumatera Barat	WIB	sumbarprov
        Riau	WIB	riau,riauprov
        Jambi	WIB	jambiprov
        Sumatera Selatan	WIB	sumselprov
        Bengkulu	WIB	bengkuluprov
        Lampung	WIB	lampungprov
        Kepulauan Bangka Belitung	WIB	babelprov,bangkabelitungprov
        Kepulauan Riau	WIB	kepriprov
        DKI Jakarta	WIB	jakarta,jakartaprov
        Jawa Barat	WIB	jabarprov
        Jawa Tengah	WIB	jatengprov
        Daerah Istimewa Yogyakarta	WIB	jogjaprov,diyprov,yogyakartaprov
        Jawa Timur	WIB	jatimprov
        Banten	WIB	bantenprov
        Bali	WITA	baliprov
        Nusa Tenggara Barat	WITA	ntbprov
        Nusa Tenggara Timur	WITA	nttprov
        Kalimantan Barat	WIB	kalbarprov
        Kalimantan Tengah	WIB	kalteng,kaltengprov
        Kalimantan Selatan	WITA	kalselprov
        Kalimantan Timur	WITA	kaltimprov
        Kalimantan Utara	WITA	kaltaraprov
        Sulawesi Utara	WITA	sulutprov
        Sulawesi Tengah	WITA	sultengprov
        Sulawesi Selatan	WITA	sulselprov
        Sulawesi Tenggara	WITA	sultraprov
        Gorontalo	WITA	gorontaloprov
        Sulawesi Barat	WITA	sulbarprov
        Maluku	WIT	malukuprov
        Maluku Utara	WIT	malutprov
        Papua	WIT	papua,papuaprov
        Papua Barat	WIT	papuabaratprov
        Papua Selatan	WIT	papuaselatanprov
        Papua Tengah	WIT	papuatengahprov
        Papua Pegunungan	WIT	papuapegununganprov
        Papua Barat Daya	WIT	papuabaratdayaprov
        """

    static let regionTable = """
        # kind	name	province	stems
        # --- Aceh
        kab	Aceh Barat	Aceh	acehbaratkab
        kab	Aceh Barat Daya	Aceh	acehbaratdayakab
        kab	Aceh Besar	Aceh	acehbesarkab
        kab	Aceh Jaya	Aceh	acehjayakab
        kab	Aceh Selatan	Aceh	acehselatankab
        kab	Aceh Singkil	Aceh	acehsingkilkab
        kab	Aceh Tamiang	Aceh	acehtamiangkab
        kab	Aceh Tengah	Aceh	acehtengahkab
        kab	Aceh Tenggara	Aceh	acehtenggarakab
        kab	Aceh Timur	Aceh	acehtimurkab
        kab	Aceh Utara	Aceh	acehutarakab
        kab	Bener Meriah	Aceh	benermeriahkab
        kab	Bireuen	Aceh	bireuenkab
        kab	Gayo Lues	Aceh	gayolueskab
        kab	Nagan Raya	Aceh	naganrayakab
        kab	Pidie	Aceh	pidiekab
        kab	Pidie Jaya	Aceh	pidiejayakab
        kab	Simeulue	Aceh	simeuluekab
        kota	Banda Aceh	Aceh	bandaacehkota
        kota	Langsa	Aceh	langsakota
        kota	Lhokseumawe	Aceh	lhokseumawekota
        kota	Sabang	Aceh	sabangkota
        kota	Subulussalam	Aceh	subulussalamkota
        # --- Sumatera Utara
        kab	Asahan	Sumatera Utara	asahankab
        kab	Batu Bara	Sumatera Utara	batubarakab
        kab	Dairi	Sumatera Utara	dairikab
        kab	Deli Serdang	Sumatera Utara	deliserdangkab
        kab	Humbang Hasundutan	Sumatera Utara	humbanghasundutankab
        kab	Karo	Sumatera Utara	karokab
        kab	Labuhanbatu	Sumatera Utara	labuhanbatukab
        kab	Labuhanbatu Selatan	Sumatera Utara	labuhanbatuselatankab
        kab	Labuhanbatu Utara	Sumatera Utara	labuhanbatuutarakab
        kab	Langkat	Sumatera Utara	langkatkab
        kab	Mandailing Natal	Sumatera Utara	mandailingnatalkab,madina
        kab	Nias	Sumatera Utara	niaskab
        kab	Nias Barat	Sumatera Utara	niasbaratkab
        kab	Nias Selatan	Sumatera Utara	niasselatankab
        kab	Nias Utara	Sumatera Utara	niasutarakab
        kab	Padang Lawas	Sumatera Utara	padanglawaskab
        kab	Padang Lawas Utara	Sumatera Utara	padanglawasutarakab
        kab	Pakpak Bharat	Sumatera Utara	pakpakbharatkab
        kab	Samosir	Sumatera Utara	samosirkab
        kab	Serdang Bedagai	Sumatera Utara	serdangbedagaikab
        kab	Simalungun	Sumatera Utara	simalungunkab
        kab	Tapanuli Selatan	Sumatera Utara	tapanuliselatankab
        kab	Tapanuli Tengah	Sumatera Utara	tapanulitengahkab
        kab	Tapanuli Utara	Sumatera Utara	tapanuliutarakab
        kab	Toba	Sumatera Utara	tobakab,tobasamosirkab
        kota	Binjai	Sumatera Utara	binjaikota
        kota	Gunungsitoli	Sumatera Utara	gunungsitolikota
        kota	Medan	Sumatera Utara	pemkomedan,medankota
        kota	Padangsidimpuan	Sumatera Utara	padangsidimpuankota
        kota	Pematangsiantar	Sumatera Utara	pematangsiantarkota
        kota	Sibolga	Sumatera Utara	sibolgakota
        kota	Tanjungbalai	Sumatera Utara	tanjungbalaikota
        kota	Tebing Tinggi	Sumatera Utara	tebingtinggikota
        # --- Sumatera Barat
        kab	Agam	Sumatera Barat	agamkab
        kab	Dharmasraya	Sumatera Barat	dharmasrayakab
        kab	Kepulauan Mentawai	Sumatera Barat	mentawaikab
        kab	Lima Puluh Kota	Sumatera Barat	limapuluhkotakab
        kab	Padang Pariaman	Sumatera Barat	padangpariamankab
        kab	Pasaman	Sumatera Barat	pasamankab
        kab	Pasaman Barat	Sumatera Barat	pasamanbaratkab
        kab	Pesisir Selatan	Sumatera Barat	pesisirselatankab
        kab	Sijunjung	Sumatera Barat	sijunjungkab
        kab	Solok	Sumatera Barat	solokkab
        kab	Solok Selatan	Sumatera Barat	solokselatankab
        kab	Tanah Datar	Sumatera Barat	tanahdatarkab
        kota	Bukittinggi	Sumatera Barat	bukittinggikota
        kota	Padang	Sumatera Barat	padang,padangkota
        kota	Padang Panjang	Sumatera Barat	padangpanjang,padangpanjangkota
        kota	Pariaman	Sumatera Barat	pariamankota
        kota	Payakumbuh	Sumatera Barat	payakumbuhkota
        kota	Sawahlunto	Sumatera Barat	sawahluntokota
        kota	Solok	Sumatera Barat	solokkota
        # --- Riau
        kab	Bengkalis	Riau	bengkaliskab
        kab	Indragiri Hilir	Riau	inhilkab
        kab	Indragiri Hulu	Riau	inhukab
        kab	Kampar	Riau	kamparkab
        kab	Kepulauan Meranti	Riau	merantikab
        kab	Kuantan Singingi	Riau	kuantansingingikab,kuansingkab,kuansing
        kab	Pelalawan	Riau	pelalawankab
        kab	Rokan Hilir	Riau	rohilkab
        kab	Rokan Hulu	Riau	rokanhulukab
        kab	Siak	Riau	siakkab
        kota	Dumai	Riau	dumaikota
        kota	Pekanbaru	Riau	pekanbaru,pekanbarukota
        # --- Jambi
        kab	Batanghari	Jambi	batangharikab
        kab	Bungo	Jambi	bungokab
        kab	Kerinci	Jambi	kerincikab
        kab	Merangin	Jambi	meranginkab
        kab	Muaro Jambi	Jambi	muarojambikab
        kab	Sarolangun	Jambi	sarolangunkab
        kab	Tanjung Jabung Barat	Jambi	tanjabbarkab
        kab	Tanjung Jabung Timur	Jambi	tanjabtimkab
        kab	Tebo	Jambi	tebokab
        kota	Jambi	Jambi	jambikota
        kota	Sungai Penuh	Jambi	sungaipenuhkota
        # --- Sumatera Selatan
        kab	Banyuasin	Sumatera Selatan	banyuasinkab
        kab	Empat Lawang	Sumatera Selatan	empatlawangkab
        kab	Lahat	Sumatera Selatan	lahatkab
        kab	Muara Enim	Sumatera Selatan	muaraenimkab
        kab	Musi Banyuasin	Sumatera Selatan	mubakab
        kab	Musi Rawas	Sumatera Selatan	musirawaskab
        kab	Musi Rawas Utara	Sumatera Selatan	muratarakab
        kab	Ogan Ilir	Sumatera Selatan	oganilirkab
        kab	Ogan Komering Ilir	Sumatera Selatan	kaboki,okikab
        kab	Ogan Komering Ulu	Sumatera Selatan	okukab
        kab	Ogan Komering Ulu Selatan	Sumatera Selatan	okuselatankab
        kab	Ogan Komering Ulu Timur	Sumatera Selatan	okutimurkab
        kab	Penukal Abab Lematang Ilir	Sumatera Selatan	palikab
        kota	Lubuklinggau	Sumatera Selatan	lubuklinggaukota
        kota	Pagar Alam	Sumatera Selatan	pagaralamkota
        kota	Palembang	Sumatera Selatan	palembang,palembangkota
        kota	Prabumulih	Sumatera Selatan	prabumulihkota
        # --- Bengkulu
        kab	Bengkulu Selatan	Bengkulu	bengkuluselatankab
        kab	Bengkulu Tengah	Bengkulu	bengkulutengahkab
        kab	Bengkulu Utara	Bengkulu	bengkuluutarakab
        kab	Kaur	Bengkulu	kaurkab
        kab	Kepahiang	Bengkulu	kepahiangkab
        kab	Lebong	Bengkulu	lebongkab
        kab	Mukomuko	Bengkulu	mukomukokab
        kab	Rejang Lebong	Bengkulu	rejanglebongkab
        kab	Seluma	Bengkulu	selumakab
        kota	Bengkulu	Bengkulu	bengkulukota
        # --- Lampung
        kab	Lampung Barat	Lampung	lampungbaratkab
        kab	Lampung Selatan	Lampung	lampungselatankab
        kab	Lampung Tengah	Lampung	lampungtengahkab
        kab	Lampung Timur	Lampung	lampungtimurkab
        kab	Lampung Utara	Lampung	lampungutarakab
        kab	Mesuji	Lampung	mesujikab
        kab	Pesawaran	Lampung	pesawarankab
        kab	Pesisir Barat	Lampung	pesisirbaratkab
        kab	Pringsewu	Lampung	pringsewukab
        kab	Tanggamus	Lampung	tanggamuskab
        kab	Tulang Bawang	Lampung	tulangbawangkab
        kab	Tulang Bawang Barat	Lampung	tulangbawangbaratkab
        kab	Way Kanan	Lampung	waykanankab
        kota	Bandar Lampung	Lampung	bandarlampungkota
        kota	Metro	Lampung	metrokota
        # --- Kepulauan Bangka Belitung
        kab	Bangka	Kepulauan Bangka Belitung	bangkakab
        kab	Bangka Barat	Kepulauan Bangka Belitung	bangkabaratkab
        kab	Bangka Selatan	Kepulauan Bangka Belitung	bangkaselatankab
        kab	Bangka Tengah	Kepulauan Bangka Belitung	bangkatengahkab
        kab	Belitung	Kepulauan Bangka Belitung	belitungkab
        kab	Belitung Timur	Kepulauan Bangka Belitung	belitungtimurkab
        kota	Pangkalpinang	Kepulauan Bangka Belitung	pangkalpinangkota
        # --- Kepulauan Riau
        kab	Bintan	Kepulauan Riau	bintankab
        kab	Karimun	Kepulauan Riau	karimunkab
        kab	Kepulauan Anambas	Kepulauan Riau	anambaskab
        kab	Lingga	Kepulauan Riau	linggakab
        kab	Natuna	Kepulauan Riau	natunakab
        kota	Batam	Kepulauan Riau	batam,batamkota
        kota	Tanjungpinang	Kepulauan Riau	tanjungpinangkota
        # --- DKI Jakarta
        kabadm	Kepulauan Seribu	DKI Jakarta	pulauseribu.jakarta
        kotaadm	Jakarta Barat	DKI Jakarta	barat.jakarta
        kotaadm	Jakarta Pusat	DKI Jakarta	pusat.jakarta
        kotaadm	Jakarta Selatan	DKI Jakarta	selatan.jakarta
        kotaadm	Jakarta Timur	DKI Jakarta	timur.jakarta
        kotaadm	Jakarta Utara	DKI Jakarta	utara.jakarta
        # --- Jawa Barat
        kab	Bandung	Jawa Barat	bandungkab
        kab	Bandung Barat	Jawa Barat	bandungbaratkab
        kab	Bekasi	Jawa Barat	bekasikab
        kab	Bogor	Jawa Barat	bogorkab
        kab	Ciamis	Jawa Barat	ciamiskab
        kab	Cianjur	Jawa Barat	cianjurkab
        kab	Cirebon	Jawa Barat	cirebonkab
        kab	Garut	Jawa Barat	garutkab
        kab	Indramayu	Jawa Barat	indramayukab
        kab	Karawang	Jawa Barat	karawangkab
        kab	Kuningan	Jawa Barat	kuningankab
        kab	Majalengka	Jawa Barat	majalengkakab
        kab	Pangandaran	Jawa Barat	pangandarankab
        kab	Purwakarta	Jawa Barat	purwakartakab
        kab	Subang	Jawa Barat	subangkab
        kab	Sukabumi	Jawa Barat	sukabumikab
        kab	Sumedang	Jawa Barat	sumedangkab
        kab	Tasikmalaya	Jawa Barat	tasikmalayakab
        kota	Bandung	Jawa Barat	bandung,bandungkota
        kota	Banjar	Jawa Barat	banjarkota
        kota	Bekasi	Jawa Barat	bekasikota
        kota	Bogor	Jawa Barat	kotabogor,bogorkota
        kota	Cimahi	Jawa Barat	cimahikota
        kota	Cirebon	Jawa Barat	cirebonkota
        kota	Depok	Jawa Barat	depok,depokkota
        kota	Sukabumi	Jawa Barat	sukabumikota
        kota	Tasikmalaya	Jawa Barat	tasikmalayakota
        # --- Jawa Tengah
        kab	Banjarnegara	Jawa Tengah	banjarnegarakab
        kab	Banyumas	Jawa Tengah	banyumaskab
        kab	Batang	Jawa Tengah	batangkab
        kab	Blora	Jawa Tengah	blorakab
        kab	Boyolali	Jawa Tengah	boyolalikab
        kab	Brebes	Jawa Tengah	brebeskab
        kab	Cilacap	Jawa Tengah	cilacapkab
        kab	Demak	Jawa Tengah	demakkab
        kab	Grobogan	Jawa Tengah	grobogankab
        kab	Jepara	Jawa Tengah	jeparakab
        kab	Karanganyar	Jawa Tengah	karanganyarkab
        kab	Kebumen	Jawa Tengah	kebumenkab
        kab	Kendal	Jawa Tengah	kendalkab
        kab	Klaten	Jawa Tengah	klatenkab
        kab	Kudus	Jawa Tengah	kuduskab
        kab	Magelang	Jawa Tengah	magelangkab
        kab	Pati	Jawa Tengah	patikab
        kab	Pekalongan	Jawa Tengah	pekalongankab
        kab	Pemalang	Jawa Tengah	pemalangkab
        kab	Purbalingga	Jawa Tengah	purbalinggakab
        kab	Purworejo	Jawa Tengah	purworejokab
        kab	Rembang	Jawa Tengah	rembangkab
        kab	Semarang	Jawa Tengah	semarangkab
        kab	Sragen	Jawa Tengah	sragenkab
        kab	Sukoharjo	Jawa Tengah	sukoharjokab
        kab	Tegal	Jawa Tengah	tegalkab
        kab	Temanggung	Jawa Tengah	temanggungkab
        kab	Wonogiri	Jawa Tengah	wonogirikab
        kab	Wonosobo	Jawa Tengah	wonosobokab
        kota	Magelang	Jawa Tengah	magelangkota
        kota	Pekalongan	Jawa Tengah	pekalongankota
        kota	Salatiga	Jawa Tengah	salatiga,salatigakota
        kota	Semarang	Jawa Tengah	semarangkota
        kota	Surakarta	Jawa Tengah	surakarta,surakartakota
        kota	Tegal	Jawa Tengah	tegalkota
        # --- Daerah Istimewa Yogyakarta
        kab	Bantul	Daerah Istimewa Yogyakarta	bantulkab
        kab	Gunungkidul	Daerah Istimewa Yogyakarta	gunungkidulkab
        kab	Kulon Progo	Daerah Istimewa Yogyakarta	kulonprogokab
        kab	Sleman	Daerah Istimewa Yogyakarta	slemankab
        kota	Yogyakarta	Daerah Istimewa Yogyakarta	jogjakota,yogyakartakota
        # --- Jawa Timur
        kab	Bangkalan	Jawa Timur	bangkalankab
        kab	Banyuwangi	Jawa Timur	banyuwangikab
        kab	Blitar	Jawa Timur	blitarkab
        kab	Bojonegoro	Jawa Timur	bojonegorokab
        kab	Bondowoso	Jawa Timur	bondowosokab
        kab	Gresik	Jawa Timur	gresikkab
        kab	Jember	Jawa Timur	jemberkab
        kab	Jombang	Jawa Timur	jombangkab
        kab	Kediri	Jawa Timur	kedirikab
        kab	Lamongan	Jawa Timur	lamongankab
        kab	Lumajang	Jawa Timur	lumajangkab
        kab	Madiun	Jawa Timur	madiunkab
        kab	Magetan	Jawa Timur	magetankab
        kab	Malang	Jawa Timur	malangkab
        kab	Mojokerto	Jawa Timur	mojokertokab
        kab	Nganjuk	Jawa Timur	nganjukkab
        kab	Ngawi	Jawa Timur	ngawikab
        kab	Pacitan	Jawa Timur	pacitankab
        kab	Pamekasan	Jawa Timur	pamekasankab
        kab	Pasuruan	Jawa Timur	pasuruankab
        kab	Ponorogo	Jawa Timur	ponorogokab
        kab	Probolinggo	Jawa Timur	probolinggokab
        kab	Sampang	Jawa Timur	sampangkab
        kab	Sidoarjo	Jawa Timur	sidoarjokab
        kab	Situbondo	Jawa Timur	situbondokab
        kab	Sumenep	Jawa Timur	sumenepkab
        kab	Trenggalek	Jawa Timur	trenggalekkab
        kab	Tuban	Jawa Timur	tubankab
        kab	Tulungagung	Jawa Timur	tulungagungkab
        kota	Batu	Jawa Timur	batukota
        kota	Blitar	Jawa Timur	blitarkota
        kota	Kediri	Jawa Timur	kedirikota
        kota	Madiun	Jawa Timur	madiunkota
        kota	Malang	Jawa Timur	malangkota
        kota	Mojokerto	Jawa Timur	mojokertokota
        kota	Pasuruan	Jawa Timur	pasuruankota
        kota	Probolinggo	Jawa Timur	probolinggokota
        kota	Surabaya	Jawa Timur	surabaya,surabayakota
        # --- Banten
        kab	Lebak	Banten	lebakkab
        kab	Pandeglang	Banten	pandeglangkab
        kab	Serang	Banten	serangkab
        kab	Tangerang	Banten	tangerangkab
        kota	Cilegon	Banten	cilegon,cilegonkota
        kota	Serang	Banten	serangkota
        kota	Tangerang	Banten	tangerangkota
        kota	Tangerang Selatan	Banten	tangerangselatankota
        # --- Bali
        kab	Badung	Bali	badungkab
        kab	Bangli	Bali	banglikab
        kab	Buleleng	Bali	bulelengkab
        kab	Gianyar	Bali	gianyarkab
        kab	Jembrana	Bali	jembranakab
        kab	Karangasem	Bali	karangasemkab
        kab	Klungkung	Bali	klungkungkab
        kab	Tabanan	Bali	tabanankab
        kota	Denpasar	Bali	denpasarkota
        # --- Nusa Tenggara Barat
        kab	Bima	Nusa Tenggara Barat	bimakab
        kab	Dompu	Nusa Tenggara Barat	dompukab
        kab	Lombok Barat	Nusa Tenggara Barat	lombokbaratkab
        kab	Lombok Tengah	Nusa Tenggara Barat	lomboktengahkab
        kab	Lombok Timur	Nusa Tenggara Barat	lomboktimurkab
        kab	Lombok Utara	Nusa Tenggara Barat	lombokutarakab
        kab	Sumbawa	Nusa Tenggara Barat	sumbawakab
        kab	Sumbawa Barat	Nusa Tenggara Barat	sumbawabaratkab
        kota	Bima	Nusa Tenggara Barat	bimakota
        kota	Mataram	Nusa Tenggara Barat	mataramkota
        # --- Nusa Tenggara Timur
        kab	Alor	Nusa Tenggara Timur	alorkab
        kab	Belu	Nusa Tenggara Timur	belukab
        kab	Ende	Nusa Tenggara Timur	endekab
        kab	Flores Timur	Nusa Tenggara Timur	florestimurkab
        kab	Kupang	Nusa Tenggara Timur	kupangkab
        kab	Lembata	Nusa Tenggara Timur	lembatakab
        kab	Malaka	Nusa Tenggara Timur	malakakab
        kab	Manggarai	Nusa Tenggara Timur	manggaraikab
        kab	Manggarai Barat	Nusa Tenggara Timur	manggaraibaratkab
        kab	Manggarai Timur	Nusa Tenggara Timur	manggaraitimurkab
        kab	Nagekeo	Nusa Tenggara Timur	nagekeokab
        kab	Ngada	Nusa Tenggara Timur	ngadakab
        kab	Rote Ndao	Nusa Tenggara Timur	rotendaokab
        kab	Sabu Raijua	Nusa Tenggara Timur	saburaijuakab
        kab	Sikka	Nusa Tenggara Timur	sikkakab
        kab	Sumba Barat	Nusa Tenggara Timur	sumbabaratkab
        kab	Sumba Barat Daya	Nusa Tenggara Timur	sumbabaratdayakab
        kab	Sumba Tengah	Nusa Tenggara Timur	sumbatengahkab
        kab	Sumba Timur	Nusa Tenggara Timur	sumbatimurkab
        kab	Timor Tengah Selatan	Nusa Tenggara Timur	ttskab
        kab	Timor Tengah Utara	Nusa Tenggara Timur	ttukab
        kota	Kupang	Nusa Tenggara Timur	kupangkota
        # --- Kalimantan Barat
        kab	Bengkayang	Kalimantan Barat	bengkayangkab
        kab	Kapuas Hulu	Kalimantan Barat	kapuashulukab
        kab	Kayong Utara	Kalimantan Barat	kayongutarakab
        kab	Ketapang	Kalimantan Barat	ketapangkab
        kab	Kubu Raya	Kalimantan Barat	kuburayakab
        kab	Landak	Kalimantan Barat	landakkab
        kab	Melawi	Kalimantan Barat	melawikab
        kab	Mempawah	Kalimantan Barat	mempawahkab
        kab	Sambas	Kalimantan Barat	sambaskab
        kab	Sanggau	Kalimantan Barat	sanggaukab
        kab	Sekadau	Kalimantan Barat	sekadaukab
        kab	Sintang	Kalimantan Barat	sintangkab
        kota	Pontianak	Kalimantan Barat	pontianak,pontianakkota
        kota	Singkawang	Kalimantan Barat	singkawangkota
        # --- Kalimantan Tengah
        kab	Barito Selatan	Kalimantan Tengah	baritoselatankab
        kab	Barito Timur	Kalimantan Tengah	baritotimurkab
        kab	Barito Utara	Kalimantan Tengah	baritoutarakab
        kab	Gunung Mas	Kalimantan Tengah	gunungmaskab
        kab	Kapuas	Kalimantan Tengah	kapuaskab
        kab	Katingan	Kalimantan Tengah	katingankab
        kab	Kotawaringin Barat	Kalimantan Tengah	kotawaringinbaratkab,kobarkab
        kab	Kotawaringin Timur	Kalimantan Tengah	kotimkab
        kab	Lamandau	Kalimantan Tengah	lamandaukab
        kab	Murung Raya	Kalimantan Tengah	murungrayakab
        kab	Pulang Pisau	Kalimantan Tengah	pulangpisaukab
        kab	Seruyan	Kalimantan Tengah	seruyankab
        kab	Sukamara	Kalimantan Tengah	sukamarakab
        kota	Palangka Raya	Kalimantan Tengah	palangkaraya,palangkarayakota
        # --- Kalimantan Selatan
        kab	Balangan	Kalimantan Selatan	balangankab
        kab	Banjar	Kalimantan Selatan	banjarkab
        kab	Barito Kuala	Kalimantan Selatan	baritokualakab
        kab	Hulu Sungai Selatan	Kalimantan Selatan	hulusungaiselatankab
        kab	Hulu Sungai Tengah	Kalimantan Selatan	hulusungaitengahkab
        kab	Hulu Sungai Utara	Kalimantan Selatan	hulusungaiutarakab
        kab	Kotabaru	Kalimantan Selatan	kotabarukab
        kab	Tabalong	Kalimantan Selatan	tabalongkab
        kab	Tanah Bumbu	Kalimantan Selatan	tanahbumbukab
        kab	Tanah Laut	Kalimantan Selatan	tanahlautkab
        kab	Tapin	Kalimantan Selatan	tapinkab
        kota	Banjarbaru	Kalimantan Selatan	banjarbarukota
        kota	Banjarmasin	Kalimantan Selatan	banjarmasinkota
        # --- Kalimantan Timur
        kab	Berau	Kalimantan Timur	beraukab
        kab	Kutai Barat	Kalimantan Timur	kutaibaratkab
        kab	Kutai Kartanegara	Kalimantan Timur	kutaikartanegarakab,kukarkab
        kab	Kutai Timur	Kalimantan Timur	kutaitimurkab
        kab	Mahakam Ulu	Kalimantan Timur	mahakamulukab
        kab	Paser	Kalimantan Timur	paserkab
        kab	Penajam Paser Utara	Kalimantan Timur	penajamkab,penajampaserutarakab
        kota	Balikpapan	Kalimantan Timur	balikpapan,balikpapankota
        kota	Bontang	Kalimantan Timur	bontangkota
        kota	Samarinda	Kalimantan Timur	samarindakota
        # --- Kalimantan Utara
        kab	Bulungan	Kalimantan Utara	bulungankab
        kab	Malinau	Kalimantan Utara	malinaukab
        kab	Nunukan	Kalimantan Utara	nunukankab
        kab	Tana Tidung	Kalimantan Utara	tanatidungkab
        kota	Tarakan	Kalimantan Utara	tarakankota
        # --- Sulawesi Utara
        kab	Bolaang Mongondow	Sulawesi Utara	bolmongkab,bolaangmongondowkab
        kab	Bolaang Mongondow Selatan	Sulawesi Utara	bolselkab
        kab	Bolaang Mongondow Timur	Sulawesi Utara	boltimkab
        kab	Bolaang Mongondow Utara	Sulawesi Utara	bolmutkab
        kab	Kepulauan Sangihe	Sulawesi Utara	sangihekab,kepulauansangihekab
        kab	Kepulauan Siau Tagulandang Biaro	Sulawesi Utara	sitarokab
        kab	Kepulauan Talaud	Sulawesi Utara	talaudkab,kepulauantalaudkab
        kab	Minahasa	Sulawesi Utara	minahasakab
        kab	Minahasa Selatan	Sulawesi Utara	minselkab,minahasaselatankab
        kab	Minahasa Tenggara	Sulawesi Utara	mitrakab,minahasatenggarakab
        kab	Minahasa Utara	Sulawesi Utara	minutkab,minahasautarakab
        kota	Bitung	Sulawesi Utara	bitungkota
        kota	Kotamobagu	Sulawesi Utara	kotamobagukota
        kota	Manado	Sulawesi Utara	manadokota
        kota	Tomohon	Sulawesi Utara	tomohonkota
        # --- Sulawesi Tengah
        kab	Banggai	Sulawesi Tengah	banggaikab
        kab	Banggai Kepulauan	Sulawesi Tengah	bangkepkab,banggaikepulauankab
        kab	Banggai Laut	Sulawesi Tengah	banggailautkab
        kab	Buol	Sulawesi Tengah	buolkab
        kab	Donggala	Sulawesi Tengah	donggalakab
        kab	Morowali	Sulawesi Tengah	morowalikab
        kab	Morowali Utara	Sulawesi Tengah	morowaliutarakab
        kab	Parigi Moutong	Sulawesi Tengah	parigimoutongkab,parimokab
        kab	Poso	Sulawesi Tengah	posokab
        kab	Sigi	Sulawesi Tengah	sigikab
        kab	Tojo Una-Una	Sulawesi Tengah	tojounaunakab
        kab	Tolitoli	Sulawesi Tengah	tolitolikab
        kota	Palu	Sulawesi Tengah	palukota
        # --- Sulawesi Selatan
        kab	Bantaeng	Sulawesi Selatan	bantaengkab
        kab	Barru	Sulawesi Selatan	barrukab
        kab	Bone	Sulawesi Selatan	bonekab
        kab	Bulukumba	Sulawesi Selatan	bulukumbakab
        kab	Enrekang	Sulawesi Selatan	enrekangkab
        kab	Gowa	Sulawesi Selatan	gowakab
        kab	Jeneponto	Sulawesi Selatan	jenepontokab
        kab	Kepulauan Selayar	Sulawesi Selatan	kepulauanselayarkab,selayarkab
        kab	Luwu	Sulawesi Selatan	luwukab
        kab	Luwu Timur	Sulawesi Selatan	luwutimurkab
        kab	Luwu Utara	Sulawesi Selatan	luwuutarakab
        kab	Maros	Sulawesi Selatan	maroskab
        kab	Pangkajene dan Kepulauan	Sulawesi Selatan	pangkepkab
        kab	Pinrang	Sulawesi Selatan	pinrangkab
        kab	Sidenreng Rappang	Sulawesi Selatan	sidrapkab
        kab	Sinjai	Sulawesi Selatan	sinjaikab
        kab	Soppeng	Sulawesi Selatan	soppengkab
        kab	Takalar	Sulawesi Selatan	takalarkab
        kab	Tana Toraja	Sulawesi Selatan	tanatorajakab
        kab	Toraja Utara	Sulawesi Selatan	torajautarakab
        kab	Wajo	Sulawesi Selatan	wajokab
        kota	Makassar	Sulawesi Selatan	makassarkota
        kota	Palopo	Sulawesi Selatan	palopokota
        kota	Parepare	Sulawesi Selatan	pareparekota
        # --- Sulawesi Tenggara
        kab	Bombana	Sulawesi Tenggara	bombanakab
        kab	Buton	Sulawesi Tenggara	butonkab
        kab	Buton Selatan	Sulawesi Tenggara	butonselatankab
        kab	Buton Tengah	Sulawesi Tenggara	butontengahkab
        kab	Buton Utara	Sulawesi Tenggara	butonutarakab
        kab	Kolaka	Sulawesi Tenggara	kolakakab
        kab	Kolaka Timur	Sulawesi Tenggara	kolakatimurkab
        kab	Kolaka Utara	Sulawesi Tenggara	kolakautarakab
        kab	Konawe	Sulawesi Tenggara	konawekab
        kab	Konawe Kepulauan	Sulawesi Tenggara	konawekepulauankab,konkepkab
        kab	Konawe Selatan	Sulawesi Tenggara	konaweselatankab
        kab	Konawe Utara	Sulawesi Tenggara	konaweutarakab
        kab	Muna	Sulawesi Tenggara	munakab
        kab	Muna Barat	Sulawesi Tenggara	munabaratkab
        kab	Wakatobi	Sulawesi Tenggara	wakatobikab
        kota	Baubau	Sulawesi Tenggara	baubaukota
        kota	Kendari	Sulawesi Tenggara	kendarikota
        # --- Gorontalo
        kab	Boalemo	Gorontalo	boalemokab
        kab	Bone Bolango	Gorontalo	bonebolangokab
        kab	Gorontalo	Gorontalo	gorontalokab
        kab	Gorontalo Utara	Gorontalo	gorontaloutarakab
        kab	Pohuwato	Gorontalo	pohuwatokab
        kota	Gorontalo	Gorontalo	gorontalokota
        # --- Sulawesi Barat
        kab	Majene	Sulawesi Barat	majenekab
        kab	Mamasa	Sulawesi Barat	mamasakab
        kab	Mamuju	Sulawesi Barat	mamujukab
        kab	Mamuju Tengah	Sulawesi Barat	mamujutengahkab
        kab	Pasangkayu	Sulawesi Barat	pasangkayukab,mamujuutarakab
        kab	Polewali Mandar	Sulawesi Barat	polewalimandarkab
        # --- Maluku
        kab	Buru	Maluku	burukab
        kab	Buru Selatan	Maluku	buruselatankab
        kab	Kepulauan Aru	Maluku	kepulauanarukab
        kab	Kepulauan Tanimbar	Maluku	kepulauantanimbarkab,mtbkab
        kab	Maluku Barat Daya	Maluku	malukubaratdayakab
        kab	Maluku Tengah	Maluku	malukutengahkab
        kab	Maluku Tenggara	Maluku	malukutenggarakab
        kab	Seram Bagian Barat	Maluku	serambagianbaratkab
        kab	Seram Bagian Timur	Maluku	serambagiantimurkab
        kota	Ambon	Maluku	ambon,ambonkota
        kota	Tual	Maluku	tualkota
        # --- Maluku Utara
        kab	Halmahera Barat	Maluku Utara	halmaherabaratkab
        kab	Halmahera Selatan	Maluku Utara	halmaheraselatankab
        kab	Halmahera Tengah	Maluku Utara	halmaheratengahkab
        kab	Halmahera Timur	Maluku Utara	halmaheratimurkab
        kab	Halmahera Utara	Maluku Utara	halmaherautarakab
        kab	Kepulauan Sula	Maluku Utara	kepulauansulakab
        kab	Pulau Morotai	Maluku Utara	pulaumorotaikab
        kab	Pulau Taliabu	Maluku Utara	pulautaliabukab
        kota	Ternate	Maluku Utara	ternatekota
        kota	Tidore Kepulauan	Maluku Utara	tidorekota,tidorekepulauankota
        # --- Papua
        kab	Biak Numfor	Papua	biakkab,biaknumforkab
        kab	Jayapura	Papua	jayapurakab
        kab	Keerom	Papua	keeromkab
        kab	Kepulauan Yapen	Papua	kepulauanyapenkab
        kab	Mamberamo Raya	Papua	mamberamorayakab
        kab	Sarmi	Papua	sarmikab
        kab	Supiori	Papua	supiorikab
        kab	Waropen	Papua	waropenkab
        kota	Jayapura	Papua	jayapurakota
        # --- Papua Barat
        kab	Fakfak	Papua Barat	fakfakkab
        kab	Kaimana	Papua Barat	kaimanakab
        kab	Manokwari	Papua Barat	manokwarikab
        kab	Manokwari Selatan	Papua Barat	manokwariselatankab
        kab	Pegunungan Arfak	Papua Barat	pegununganarfakkab
        kab	Teluk Bintuni	Papua Barat	telukbintunikab
        kab	Teluk Wondama	Papua Barat	telukwondamakab
        # --- Papua Selatan
        kab	Asmat	Papua Selatan	asmatkab
        kab	Boven Digoel	Papua Selatan	bovendigoelkab
        kab	Mappi	Papua Selatan	mappikab
        kab	Merauke	Papua Selatan	meraukekab
        # --- Papua Tengah
        kab	Deiyai	Papua Tengah	deiyaikab
        kab	Dogiyai	Papua Tengah	dogiyaikab
        kab	Intan Jaya	Papua Tengah	intanjayakab
        kab	Mimika	Papua Tengah	mimikakab
        kab	Nabire	Papua Tengah	nabirekab
        kab	Paniai	Papua Tengah	paniaikab
        kab	Puncak	Papua Tengah	puncakkab
        kab	Puncak Jaya	Papua Tengah	puncakjayakab
        # --- Papua Pegunungan
        kab	Jayawijaya	Papua Pegunungan	jayawijayakab
        kab	Lanny Jaya	Papua Pegunungan	lannyjayakab
        kab	Mamberamo Tengah	Papua Pegunungan	mamberamotengahkab
        kab	Nduga	Papua Pegunungan	ndugakab
        kab	Pegunungan Bintang	Papua Pegunungan	pegununganbintangkab
        kab	Tolikara	Papua Pegunungan	tolikarakab
        kab	Yahukimo	Papua Pegunungan	yahukimokab
        kab	Yalimo	Papua Pegunungan	yalimokab
        # --- Papua Barat Daya
        kab	Maybrat	Papua Barat Daya	maybratkab
        kab	Raja Ampat	Papua Barat Daya	rajaampatkab
        kab	Sorong	Papua Barat Daya	sorongkab
        kab	Sorong Selatan	Papua Barat Daya	sorongselatankab
        kab	Tambrauw	Papua Barat Daya	tambrauwkab
        kota	Sorong	Papua Barat Daya	sorongkota
        """
}
