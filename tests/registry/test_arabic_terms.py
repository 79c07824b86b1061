"""One Arabic word for one thing: the terms table in docs/arabic.md, read here, against every
translation in the catalogue, every template and every string in the code.

The table is the only list: a refused spelling added to it is refused everywhere at once, and a
review's old wording (REVIEWED below) must stay refused, so the table cannot quietly lose a row."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "arabic.md"
CATALOGUE = ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.po"
ARABIC = re.compile(r"[\u0600-\u06FF]")

# Words a person may type that the code reads (import headings and language names, search
# folding): accepted input, never written by the site, so old spellings are welcome there.
ACCEPTED_INPUT = {
    "accounts/imports/columns.py": {"HEADINGS", "_LANGUAGE_WORDS", "_BOTH", "_NOISE", "_PLATFORM_WORDS"},
    "accounts/search.py": {"_MAPPED"},
}


@dataclass(frozen=True)
class Row:
    thing: str
    term: str | None  # the first term in backticks, which the catalogue must use
    refused: tuple[re.Pattern, ...]


def _cells(line: str) -> list[str]:
    # Split a Markdown table row on its unescaped bars; `\|` is a bar inside a cell.
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def _code_spans(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def terms_table() -> list[Row]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n## Terms\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = _cells(line) if line.startswith("|") else []
        if len(cells) != 3 or cells[0] in ("Thing", "---"):
            continue
        terms = _code_spans(cells[1])
        refused = tuple(
            re.compile(span[3:]) if span.startswith("re:") else re.compile(re.escape(span))
            for span in _code_spans(cells[2])
        )
        rows.append(Row(cells[0], terms[0] if terms else None, refused))
    return rows


TABLE = terms_table()


def refusals(text: str) -> list[str]:
    """Each refused spelling `text` contains, with the thing it was refused for."""
    return [f"{row.thing}: {pattern.pattern}" for row in TABLE for pattern in row.refused if pattern.search(text)]


def translations(po: polib.POFile) -> list[tuple[str, str]]:
    texts = []
    for entry in po:
        if entry.msgid_plural:
            texts += [(f"{entry.msgid} [{form}]", text) for form, text in sorted(entry.msgstr_plural.items())]
        else:
            texts.append((entry.msgid, entry.msgstr))
    return texts


# An English msgid in a template ({% translate "…" %}) may quote Arabic in English typography.
ENGLISH_MSGID = re.compile(r'{%\s*(?:translate|trans)\s+"[^"]*"[^%]*%}')


def _mostly_arabic(text: str) -> bool:
    return len(ARABIC.findall(text)) > len(re.findall(r"[A-Za-z]", text))


def arabic_in_code() -> list[tuple[str, str]]:
    """Arabic written outside the catalogue: template text, and Arabic string constants in the code
    (docstrings and English msgids that quote an Arabic example are English text)."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "templates").rglob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = ENGLISH_MSGID.sub("", line)
            if ARABIC.search(line):
                found.append((f"{path.relative_to(ROOT)}:{number}", line))
    for package in ("accounts", "entities", "registry"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = str(path.relative_to(ROOT))
            skipped = ACCEPTED_INPUT.get(name, set())
            tree = ast.parse(path.read_text(encoding="utf-8"))
            ignored = {id(node) for assign in ast.walk(tree) if isinstance(assign, ast.Assign | ast.AnnAssign)
                       for target in ([assign.target] if isinstance(assign, ast.AnnAssign) else assign.targets)
                       if isinstance(target, ast.Name) and target.id in skipped
                       for node in ast.walk(assign)}
            for node in ast.walk(tree):
                if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in ignored
                        and _mostly_arabic(node.value)):
                    found.append((f"{name}:{node.lineno}", node.value))
    return found


def test_the_table_is_read_and_every_row_refuses_or_names_a_term():
    assert len(TABLE) >= 25
    assert all(row.term or row.refused for row in TABLE)
    assert {"حساب", "السجل الزمني", "معلَّق", "رسمي سابقًا", "إنهاء الاعتماد", "مراجِع"} <= {row.term for row in TABLE}


def test_no_translation_uses_a_refused_spelling():
    po = polib.pofile(str(CATALOGUE))
    offending = [(msgid, found) for msgid, text in translations(po) if (found := refusals(text))]
    assert offending == []


def test_no_arabic_outside_the_catalogue_uses_a_refused_spelling():
    assert any("العربية" in text for _where, text in arabic_in_code())  # the scan reads templates
    assert any("الحسابات" == text for _where, text in arabic_in_code())  # and the code's strings
    offending = [(where, found) for where, text in arabic_in_code() if (found := refusals(text))]
    assert offending == []


def test_every_chosen_term_is_used():
    texts = [text for _msgid, text in translations(polib.pofile(str(CATALOGUE)))]
    unused = [row.term for row in TABLE if row.term and not any(row.term in text for text in texts)]
    assert unused == []


def test_a_count_of_zero_is_said_in_words():
    po = polib.pofile(str(CATALOGUE))
    for entry in po:
        if entry.msgid_plural:
            zero = entry.msgstr_plural[0]
            assert not re.match(r"\s*%\(\w+\)[sd]", zero) and not re.search(r"\(%\(\w+\)[sd]\)", zero), entry.msgid


def test_the_guide_s_checks_read_arabic_from_the_catalogue():
    from accounts.report.standards import RULES

    po = polib.pofile(str(CATALOGUE))
    for rule in RULES:
        for english, arabic in ((rule.title_en, rule.title_ar), (rule.advice_en, rule.advice_ar)):
            entry = po.find(english)
            assert entry is not None and entry.msgstr == arabic != english, english


# Wording the review of the Arabic pages sent back (issue 15), and wording a careless edit would
# bring back: each must stay refused by the table.
REVIEWED = [
    "هذا الحساب … لهذه القناة",
    "سجل القناة",
    "سجل سير العمل",
    "الحساب موقوف على المنصة",
    "القنوات المعتمدة والمتوقفة",
    "تم الإيقاف",
    "أُوقف تسجيل الدخول إلى هذا الحساب مؤقتًا",
    "تقرير الحضور",
    "كان رسمياً سابقاً",
    "كان رسميًا سابقًا",
    "الحسابات الرسمية التي ينتحلها هي:",
    "لمراجعي مكتب الاتصال الحكومي",
    "لمُراجِعي مكتب الاتصال الحكومي",
    "شاملاً إياه",
    "مثل \"3\" أو “edit”",
    "اسم \"المسؤول\" في العمود",
    "الاسم المعروض",
    "فعّال",
    "قناة واتساب",
    "اختيار X ورابط فيسبوك",
    "صادِق على القناة في منطقة الموظفين",
    "أكبر القنوات",
    "مطلوب تعديلات",
    "لا أحد: حساب الجهة نفسها",
    "التسجيل بوصفها مسودة",
    "الجهة المالكة",
    "متابعو قنواته الرسمية",
    "لا قناة في السجل.",
    "تعذّر فهم المُدخل",
    "لم يُعثر على أي قناة (0).",
    "15 إبريل 2025",
]


@pytest.mark.parametrize("text", REVIEWED)
def test_the_review_s_wording_stays_refused(text):
    assert refusals(text)


def test_the_chosen_wording_passes():
    chosen = ("الحسابات الرسمية التي يشبهها", "رسمي سابقًا", "كان رسميًا من", "السجل الزمني لسير العمل",
              "يُرجى مراجعة النموذج", "لمراجِعي مكتب الاتصال الحكومي", "حُظر تسجيل الدخول مؤقتًا",
              "تقرير التواجد الرقمي", "حفظ كمسودة", "«الرابط»", '<a href="%(url)s">سجّلت الجهة</a>')
    assert [text for text in chosen if refusals(text)] == []
