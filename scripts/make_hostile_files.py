"""Build a folder of hostile files: what a reviewer's real folder, a broken download or an attacker can hand us.

    python scripts/make_hostile_files.py OUT_DIR [--small]

Each file is made the way it arrives broken (from the seed filings in data/filings/ where a real file is the
start): lying suffixes, truncated files, zero bytes, password-protected PDFs, entity bombs and XXE, zip bombs,
a workbook of white space, merges over a whole sheet, rowspan/colspan bombs, a PDF whose page inflates to a
gigabyte, odd encodings (UTF-16 without BOM, Big5, GB 18030, UTF-8 cut mid-character), formula payloads in cells,
control characters, odd file names (not UTF-8, a leading '=' or '-'), and entries a walk must never open (a FIFO,
a link loop, a link to /dev/zero, a dangling link).  ``--small`` makes the bombs 16 times smaller (for tests).

Every entry is listed in OUT_DIR/.hostile.tsv (name, kind, what a reader must do; hidden, so a walk skips it),
which the benchmark (bench/hostile.py) and the tests read.  Prints one line per entry.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "filings"
SEED_XLSX = SEEDS / "songjiang-jiguan-2023.xlsx"
SEED_DOCX = SEEDS / "songjiang-jiguan-2023.docx"
SEED_PDF = SEEDS / "songjiang-jiguan-2023.pdf"
SEED_TXT = SEEDS / "songjiang-jiguan-2023.txt"
SEED_MD = SEEDS / "songjiang-zuzhibu-2022.md"

# a traditional-Chinese table as a Taiwanese or Hong Kong office writes it (for the Big5 file)
_HEAD = "項目名稱\t黨建工作\n一級指標\t二級指標\t三級指標\t年度指標值\n"
TRADITIONAL = (_HEAD + "產出指標\t數量指標\t培訓人次\t>=100人次\n") * 20


def _rezip(source: Path, replace: dict[str, bytes], *, add: dict[str, bytes] | None = None) -> bytes:
    """The package ``source`` with some parts replaced (or added), compressed as Office does."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return out.getvalue()


def _zip_stream(name: str, chunks: Callable[[], object], total: int) -> bytes:
    """A one-part-changed workbook whose part ``name`` is ``total`` bytes made by ``chunks`` (streamed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(SEED_XLSX) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != name:
                new.writestr(info.filename, old.read(info.filename))
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with new.open(info, "w", force_zip64=True) as part:
            written = 0
            for chunk in chunks():  # type: ignore[attr-defined]
                part.write(chunk)
                written += len(chunk)
                if written >= total:
                    break
    return out.getvalue()


def _sheet_xml(body: str, merges: str = "") -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return f'<?xml version="1.0"?><worksheet xmlns="{ns}"><sheetData>{body}</sheetData>{merges}</worksheet>'.encode()


def _pdf(content: bytes, *, compress: bool = True) -> bytes:
    """A one-page PDF whose page content is ``content`` (Flate-compressed), with a correct xref table."""
    stream = zlib.compress(content, 9) if compress else content
    filt = b"/Filter /FlateDecode " if compress else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< " + filt + b"/Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _encrypted_pdf(user: str, owner: str) -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, encrypt=pdfencrypt.StandardEncryption(user, ownerPassword=owner, canPrint=0, canCopy=0))
    canvas.drawString(72, 720, "Project performance targets 2023")
    canvas.save()
    return out.getvalue()


def _formula_md() -> bytes:
    rows = [
        "项目名称\t党建工作",
        "一级指标\t二级指标\t三级指标\t年度指标值",
        '产出指标\t数量指标\t=HYPERLINK("http://example.invalid","click")\t=3 次',
        "产出指标\t质量指标\t+1 合格率\t-2",
        "效益指标\t社会效益指标\t@SUM(A1:A2) 覆盖面\t≥95%",
        "满意度指标\t服务对象满意度指标\t群众\x01满意\x1b度\t≥90%",
    ]
    return ("\n".join(rows) + "\n").encode("utf-8")


def build(out: Path, *, small: bool = False) -> list[tuple[str, str, str]]:
    """Write every hostile entry into ``out``; return (name, kind, expected) rows."""
    scale = 16 if small else 1
    big = (1 << 30) // scale  # what a bomb inflates to
    out.mkdir(parents=True, exist_ok=True)
    entries: list[tuple[str, str, str]] = []

    def put(name: str | bytes, data: bytes, kind: str, expected: str) -> None:
        path = os.path.join(os.fsencode(out), name if isinstance(name, bytes) else os.fsencode(name))
        with open(path, "wb") as stream:
            stream.write(data)
        shown = os.fsdecode(name) if isinstance(name, bytes) else name
        entries.append((shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"), kind, expected))

    # lying suffixes: a real workbook, document and PDF under each other's names
    for seed, names in ((SEED_XLSX, ("xlsx-as.docx", "xlsx-as.pdf", "xlsx-as.txt")), (SEED_DOCX, ("docx-as.xlsx",))):
        for name in names:
            put(name, seed.read_bytes(), "lying suffix", "read as what it is")
    put("pdf-as.docx", SEED_PDF.read_bytes(), "lying suffix", "read as what it is")
    # truncated and empty
    for seed in (SEED_XLSX, SEED_DOCX, SEED_PDF):
        data = seed.read_bytes()
        put(f"truncated{seed.suffix}", data[: len(data) // 2], "truncated", "E104")
    md = SEED_MD.read_bytes()
    cut = md.index("满意度".encode()) + 1  # in the middle of 满's three bytes
    put("truncated-utf8.md", md[:cut], "truncated", "E109")
    for suffix in (".xlsx", ".docx", ".pdf", ".txt", ".html"):
        put(f"zero-bytes{suffix}", b"", "empty", "E103")
    put("white-space.txt", b" \n\t\n" * 100, "empty", "E103")
    # encrypted
    put("encrypted-user-password.pdf", _encrypted_pdf("secret", "owner"), "encrypted", "E110")
    put("encrypted-owner-password-only.pdf", _encrypted_pdf("", "owner"), "encrypted", "E105 or E106")
    fake = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    fake[600:632] = "EncryptedPackage".encode("utf-16-le")
    put("password-protected.xlsx", bytes(fake), "encrypted", "E110")
    put("old-binary.xls.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024, "old format", "E102")
    # XML: entity bombs and XXE
    laughs = '<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    sst = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&j;</t></si></sst>'
    put(
        "entity-bomb.xlsx",
        _rezip(SEED_XLSX, {"xl/sharedStrings.xml": (laughs + "]>" + sst).encode()}),
        "entity bomb",
        "E104",
    )
    xxe = '<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + sst.replace("&j;", "&x;")
    put("xxe.xlsx", _rezip(SEED_XLSX, {"xl/sharedStrings.xml": xxe.encode()}), "XXE", "E104, /etc/passwd never read")
    with zipfile.ZipFile(SEED_DOCX) as package:
        document = package.read("word/document.xml").decode("utf-8")
    head, _, rest = document.partition("?>")
    bomb = head + "?>" + laughs.replace("<!DOCTYPE s", "<!DOCTYPE w:document") + "]>" + rest.replace("三级", "&j;", 1)
    put("entity-bomb.docx", _rezip(SEED_DOCX, {"word/document.xml": bomb.encode()}), "entity bomb", "E104")
    # zip bombs
    put(
        "white-space-sheet.xlsx",
        _zip_stream("xl/worksheets/sheet1.xml", lambda: iter(lambda: b" " * (1 << 20), None), big),
        "zip bomb",
        "E107",
    )
    shared = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    put(
        "white-space-string.xlsx",
        _zip_stream(
            "xl/sharedStrings.xml", lambda: iter([shared, *([b" " * (1 << 20)] * (big >> 20))]), big + len(shared)
        ),
        "zip bomb",
        "E107",
    )
    many = io.BytesIO()
    with zipfile.ZipFile(SEED_XLSX) as old, zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info.filename))
        for i in range(10_001):
            new.writestr(f"customXml/item{i}.xml", b"<a/>")
    put("many-parts.xlsx", many.getvalue(), "zip bomb", "E107")
    paragraphs = "<w:p/>" * (20_000_000 // scale)
    put(
        "paragraph-bomb.docx",
        _rezip(SEED_DOCX, {"word/document.xml": document.replace("<w:body>", "<w:body>" + paragraphs, 1).encode()}),
        "zip bomb",
        "E107",
    )
    # cell bombs
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row>'
    put(
        "merge-whole-sheet.xlsx",
        _rezip(
            SEED_XLSX,
            {
                "xl/worksheets/sheet1.xml": _sheet_xml(
                    cells, '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
                )
            },
        ),
        "cell bomb",
        "E107",
    )
    put(
        "row-far-away.xlsx",
        _rezip(
            SEED_XLSX, {"xl/worksheets/sheet1.xml": _sheet_xml(cells + '<row r="999999999"><c r="A999999999"/></row>')}
        ),
        "cell bomb",
        "E107",
    )
    wide = "".join(f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(1, 2000))
    put("wide-rows.xlsx", _rezip(SEED_XLSX, {"xl/worksheets/sheet1.xml": _sheet_xml(wide)}), "cell bomb", "E107")
    span = document.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="999999999"/>', 1)
    put("gridspan-bomb.docx", _rezip(SEED_DOCX, {"word/document.xml": span.encode()}), "cell bomb", "E107 or E106")
    first = '<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>产出指标</w:t></w:r></w:p></w:tc>'
    tall = f"<w:tbl><w:tr>{first}</w:tr>"
    tall += "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>" * (20_000 // scale) + "</w:tbl>"
    put(
        "tall-vmerge.docx",
        _rezip(SEED_DOCX, {"word/document.xml": document.replace("<w:body>", "<w:body>" + tall, 1).encode()}),
        "cell bomb",
        "read (filings found) or E106",
    )
    rowspan = "<table>" + "<tr>" + '<td rowspan="1000" colspan="1000">x</td>' * 50 + "</tr>" + "<tr></tr>" * 1000
    put("rowspan-bomb.html", (rowspan + "</table>").encode(), "rowspan bomb", "E107")
    # PDF bombs
    drawing = b"BT /F1 1 Tf " + b"(a) Tj " * ((big // 7) // 4) + b"ET"
    put("pdf-content-bomb.pdf", _pdf(drawing), "zip bomb", "E107")
    put("pdf-zeros-bomb.pdf", _pdf(b"\x00" * big), "zip bomb", "E107")
    # under the stream limit (16 MiB): a page drawing a million characters, a page of 15 MiB of junk
    put("pdf-text-bomb.pdf", _pdf(b"BT /F1 1 Tf " + b"(a) Tj " * (1 << 20) + b"ET"), "text bomb", "E107")
    put("pdf-junk-page.pdf", _pdf(b"\x00" * ((15 << 20) // scale)), "zip bomb", "E105")
    # long text: the quadratic patterns of before (a 1 MB cell)
    long_cell = "（" * (1 << 20 if not small else 1 << 16)
    put(
        "long-cell.md",
        f"项目名称\t党建工作\n一级指标\t二级指标\t三级指标\t年度指标值\n产出指标\t数量指标\t{long_cell}\t≥1\n".encode(),
        "long text",
        "read",
    )
    spaces = "项目名称 " + " " * (1 << 20 if not small else 1 << 16) + "党建工作\n"
    put("long-spaces.txt", spaces.encode(), "long text", "read or E106")
    breaks = "<br>" * (1 << 18 if not small else 1 << 14) + "<div>" * (1 << 18 if not small else 1 << 14)
    put(
        "many-breaks.html",
        f"<html><body>{breaks}<table><tr><td>x</td></tr></table></body></html>".encode(),
        "long text",
        "E106",
    )
    # encodings
    put("utf16le-no-bom.md", SEED_MD.read_text("utf-8").encode("utf-16-le"), "encoding", "read")
    put("utf16be-no-bom.md", SEED_MD.read_text("utf-8").encode("utf-16-be"), "encoding", "read")
    put("gb18030.md", SEED_MD.read_text("utf-8").encode("gb18030"), "encoding", "read")
    put("big5.md", TRADITIONAL.encode("big5"), "encoding", "E109")
    put("binary-noise.txt", bytes(range(256)) * 64, "binary", "E102")
    # payloads in cells, odd names
    put("formula-payloads.md", _formula_md(), "formula payload", "read; written as text, never a formula")
    put(b"\xb2\xe2\xca\xd4-gbk-name.md", SEED_MD.read_bytes(), "odd name", "read; name written escaped")
    put("=HYPERLINK(1)-name.md", SEED_MD.read_bytes(), "odd name", "read; name written as text")
    put("-o.md", SEED_MD.read_bytes(), "odd name", "read")
    put("README.md", SEED_MD.read_bytes(), "not a filing", "skipped by the walk")
    # entries a walk must not open
    specials: list[tuple[str, Callable[[Path], None], str]] = [
        ("fifo.md", lambda p: os.mkfifo(p), "skipped: a FIFO"),
        ("loop-a.md", lambda p: os.symlink("loop-b.md", p), "skipped: a loop of links"),
        ("loop-b.md", lambda p: os.symlink("loop-a.md", p), "skipped: a loop of links"),
        ("zero-device.md", lambda p: os.symlink("/dev/zero", p), "skipped: a device"),
        ("dangling.md", lambda p: os.symlink("does-not-exist.md", p), "skipped: a dangling link"),
        ("self-folder", lambda p: os.symlink(".", p), "skipped: a loop of folders"),
    ]
    for name, make, expected in specials:
        make(out / name)
        entries.append((name, "special entry", expected))
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--small", action="store_true", help="bombs 16 times smaller (for the tests)")
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    entries = build(args.out, small=args.small)
    write_listing(args.out, entries)
    for name, kind, expected in entries:
        print(f"{kind:<16} {name:<40} {expected}")


def write_listing(out: Path, entries: list[tuple[str, str, str]]) -> None:
    with (out / ".hostile.tsv").open("w", encoding="utf-8") as listing:
        for name, kind, expected in entries:
            listing.write(f"{name}\t{kind}\t{expected}\n")


if __name__ == "__main__":
    main()
