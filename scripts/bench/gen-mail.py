#!/usr/bin/env python3
"""Deterministic generator of realistic call-center mail for scripts/bench-ingest.

Writes COUNT RFC 822 messages (LF line endings, as Maildir files are) into OUT/, named like Maildir
`new/` entries so that Dovecot assigns UIDs in generation order. The same --seed and --count always give
byte-identical files: the bench names its mailbox user after a hash of this file and those parameters,
so a re-run can reuse a mailbox filled earlier.

Shape (chosen to match the DJPK mailbox described in shared/DOMAIN.md and DESIGN.md's 325 MB anchor):
  - Indonesian consultation mail from regional-government senders (bpkad@kedirikab.go.id, ...);
  - about 40% multipart/alternative (text + HTML, as Outlook sends), the rest text/plain;
  - about 10% replies (Re:, In-Reply-To/References to an earlier message of the same sender);
  - exactly a fifth with a 20-200 KB PDF attachment (random bytes in a minimal PDF shell, base64, 76-char lines).
"""
import argparse
import base64
import datetime
import os
import random
import sys

AGENCIES = ["bpkad", "bappeda", "setda", "dpmd", "inspektorat", "bkad", "bapenda", "dinkes", "disdik",
            "keuangan", "sekretariat", "pemdes", "dpkad", "bpkpd"]
REGIONS = ["kedirikab", "malangkota", "malangkab", "surabaya", "sidoarjokab", "banyuwangikab", "jemberkab",
           "jatimprov", "jatengprov", "semarangkota", "bandungkab", "bogorkab", "bekasikota", "acehprov",
           "medankota", "deliserdangkab", "padangkota", "pekanbaru", "palembang", "lampungprov", "pontianakkota",
           "kutaikartanegarakab", "makassarkota", "gowakab", "manadokota", "ambon", "jayapurakab", "sorongkota",
           "kupangkota", "mataramkota", "denpasarkota", "badungkab", "gianyarkab", "ntbprov", "sultengprov",
           "gorontaloprov", "malukuprov", "papua", "kalbarprov", "kaltimprov"]
FIRST = ["Nur'aini", "Budi", "Siti", "Agus", "Dewi", "Rahmat", "Wahyu", "Indah", "Hendra", "Ratna", "Yusuf",
         "Fitri", "Bambang", "Sri", "Eko", "Ayu", "Dedi", "Lestari", "Andi", "Putu", "Made", "Ketut", "Maria"]
LAST = ["Rahmawati", "Santoso", "Wibowo", "Lestari", "Saputra", "Hidayat", "Kurniawan", "Siregar", "Nasution",
        "Simanjuntak", "Pratama", "Susanti", "Wijaya", "Setiawan", "Gunawan", "Mahendra", "Manurung", "Tanjung"]
TOPICS = ["Penyaluran DAU", "Dana Desa Tahap II", "DAK Fisik Bidang Pendidikan", "DBH Sumber Daya Alam",
          "Dana Insentif Fiskal", "Laporan Realisasi APBD", "SIKD dan Aplikasi SIPD", "Pinjaman Daerah",
          "Penundaan Penyaluran DAU", "DAK Nonfisik BOK", "Hibah Daerah", "Kurang Bayar DBH Pajak",
          "Perhitungan Alokasi TKD", "Rekonsiliasi Dana Transfer", "Pajak Daerah dan Retribusi Daerah"]
ASKS = ["Permohonan Konsultasi", "Pertanyaan terkait", "Mohon Informasi", "Penyampaian Surat",
        "Permohonan Penjelasan", "Konfirmasi", "Pengaduan Keterlambatan", "Permohonan Data"]
SENTENCES = [
    "Bersama ini kami sampaikan bahwa sampai dengan hari ini dana tersebut belum kami terima di RKUD.",
    "Mohon kiranya Bapak/Ibu dapat memberikan penjelasan mengenai persyaratan yang masih kurang.",
    "Sesuai dengan PMK yang berlaku, laporan realisasi telah kami unggah melalui aplikasi pada minggu lalu.",
    "Kami juga telah berkoordinasi dengan KPPN setempat namun belum memperoleh kepastian jadwal penyaluran.",
    "Berdasarkan data pada aplikasi, status dokumen kami masih tertulis menunggu verifikasi.",
    "Apabila terdapat kekurangan dokumen, kami siap melengkapinya sesegera mungkin.",
    "Hal ini berdampak pada pembayaran gaji dan tunjangan pegawai di lingkungan pemerintah daerah kami.",
    "Terlampir kami sampaikan surat permohonan beserta dokumen pendukung untuk menjadi bahan pertimbangan.",
    "Mohon petunjuk lebih lanjut terkait tata cara pengisian formulir pada aplikasi yang baru.",
    "Kami mengalami kendala saat login ke aplikasi, muncul pesan galat sesi telah berakhir.",
    "Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima kasih.",
    "Demikian kami sampaikan, besar harapan kami agar permasalahan ini dapat segera ditindaklanjuti.",
]


def pdf_attachment(rng, size):
    """Random-ish bytes in a minimal PDF shell: incompressible, like scanned letters."""
    payload = rng.randbytes(size)
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length " + str(size).encode() + b" >>\nstream\n"
    tail = b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    return head + payload + tail


def message(rng, i, when, recent, with_pdf):
    """Message number i, sent at `when`; `recent` holds (message-id, subject, name, email) of earlier ones."""
    if recent and rng.random() < 0.1:
        # A follow-up: the same sender answers one of its earlier threads.
        parent_id, parent_subject, name, email = rng.choice(recent[-500:])
        subject = parent_subject if parent_subject.startswith("Re: ") else "Re: " + parent_subject
        threading = [f"In-Reply-To: <{parent_id}>", f"References: <{parent_id}>"]
    else:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        email = f"{rng.choice(AGENCIES)}@{rng.choice(REGIONS)}.go.id"
        subject, threading = None, []
    agency, region = email.split("@")[0], email.split("@")[1].split(".")[0]
    place = region.replace("kab", "").replace("kota", "").replace("prov", "").capitalize()
    if subject is None:
        subject = f"{rng.choice(ASKS)} {rng.choice(TOPICS)} - {place}"
    date = when.strftime("%a, %d %b %Y %H:%M:%S +0700")
    mid = f"{i:06d}.{rng.getrandbits(48):012x}@mail.{region}.go.id"
    recent.append((mid, subject, name, email))
    headers = [
        f"Return-Path: <{email}>",
        f"Received: from mail.{region}.go.id (mail.{region}.go.id [203.0.113.{i % 250 + 1}])\n"
        f"\tby mx2.kemenkeu.go.id (Postfix) with ESMTPS id {rng.getrandbits(40):010X}\n"
        f"\tfor <callcenter.djpk@kemenkeu.go.id>; {date}",
        f"From: {name} <{email}>",
        "To: callcenter.djpk@kemenkeu.go.id",
        f"Subject: {subject}", f"Date: {date}", f"Message-ID: <{mid}>", *threading,
        "MIME-Version: 1.0", "X-Mailer: Microsoft Outlook 16.0",
    ]

    paras = ["Yth. Direktur Jenderal Perimbangan Keuangan\nc.q. Call Center DJPK\ndi Jakarta", "Dengan hormat,"]
    for _ in range(rng.randint(2, 5)):
        paras.append(" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 4))))
    paras.append(f"Hormat kami,\n\n{name}\n{agency.upper()} {place}\nTelp. (0{rng.randint(21, 999)}) "
                 f"{rng.randint(100, 999)}-{rng.randint(1000, 9999)}")
    text = "\n\n".join(paras) + "\n"

    body_type = "alternative" if rng.random() < 0.4 else "plain"
    if body_type == "alternative":
        html = "<html><body>" + "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paras) + "</body></html>\n"
        b = f"_alt_{rng.getrandbits(64):016x}_"
        body = (f"--{b}\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: 8bit\n\n{text}\n"
                f"--{b}\nContent-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: 8bit\n\n{html}\n"
                f"--{b}--\n")
        part_type, part_body = f"multipart/alternative; boundary=\"{b}\"", body
    else:
        part_type, part_body = "text/plain; charset=\"utf-8\"", text

    if with_pdf:
        pdf = pdf_attachment(rng, rng.randint(20 * 1024, 200 * 1024))
        b = f"_mix_{rng.getrandbits(64):016x}_"
        fname = f"Surat_{agency}_{place}_{i:05d}.pdf"
        inner = (f"Content-Type: {part_type}\n" +
                 ("Content-Transfer-Encoding: 8bit\n" if part_type.startswith("text/") else "") + "\n" + part_body)
        attach = base64.encodebytes(pdf).decode("ascii")     # 76-char lines
        headers.append(f"Content-Type: multipart/mixed; boundary=\"{b}\"")
        body = (f"--{b}\n{inner}\n--{b}\nContent-Type: application/pdf; name=\"{fname}\"\n"
                f"Content-Disposition: attachment; filename=\"{fname}\"\nContent-Transfer-Encoding: base64\n\n"
                f"{attach}--{b}--\n")
    else:
        headers.append(f"Content-Type: {part_type}")
        if part_type.startswith("text/"):
            headers.append("Content-Transfer-Encoding: 8bit")
        body = part_body
    return ("\n".join(headers) + "\n\n" + body).encode("utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="directory to write the messages into (Maildir new/)")
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=20250203)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    # Exactly a fifth carry a PDF (a fixed share keeps the total near 325 MB whatever the seed).
    with_pdf = set(rng.sample(range(args.count), args.count // 5))
    recent, total = [], 0
    start = datetime.datetime(2025, 1, 2, 7, 30)
    step = datetime.timedelta(days=180) / max(args.count, 1)   # spread over the first half of 2025
    stamp = 1735689600   # fixed: file names (hence UID order) are part of the deterministic output
    for i in range(args.count):
        data = message(rng, i, start + step * i, recent, i in with_pdf)
        with open(os.path.join(args.out, f"{stamp}.M{i:07d}P1.surel-bench"), "wb") as f:
            f.write(data)
        total += len(data)
    print(f"{args.count} {total}")


if __name__ == "__main__":
    sys.exit(main())
