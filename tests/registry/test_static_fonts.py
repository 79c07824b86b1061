"""The site's fonts are served from the site itself, and no page asks another host for anything.

A visitor checking whether an account is official should not be reported to a font or script
host on the way: every url() in fonts.css must be a file in static/, and no stylesheet or template
may load anything from an absolute http(s) address.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

STATIC = Path(settings.BASE_DIR) / "static"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
FONTS_CSS = STATIC / "css" / "fonts.css"

CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""")
ABSOLUTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
# An HTML start tag, quoted attribute values allowed to contain ">".
TAG = re.compile(r"""<([a-zA-Z][\w-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def css_references(css: str) -> list[str]:
    """Every address a stylesheet makes the browser fetch (url() and @import), comments ignored."""
    css = CSS_COMMENT.sub("", css)
    return [next(g for g in match.groups() if g is not None)
            for pattern in (CSS_URL, CSS_IMPORT) for match in pattern.finditer(css)]


def third_party_references(path: Path) -> list[str]:
    """The absolute http(s) or protocol-relative addresses a stylesheet or template would load.

    A link a person follows (<a href>) is not a request the page makes, so it is allowed; any other
    attribute with an absolute address (src, srcset, <link href>, action, poster...) is not.
    """
    text = path.read_text(encoding="utf-8")
    found = [ref for ref in css_references(text) if ABSOLUTE.match(ref)]
    if path.suffix == ".css":
        found += re.findall(r"https?://[^\s\"')]+", CSS_COMMENT.sub("", text))
        return sorted(set(found))
    for tag, attributes in TAG.findall(text):
        for name, *values in ATTRIBUTE.findall(attributes):
            value = next((v for v in values if v), "")
            if ABSOLUTE.match(value) and not (tag.lower() == "a" and name.lower() == "href"):
                found.append(f"<{tag} {name}={value}>")
    return sorted(set(found))


def stylesheets() -> list[Path]:
    return sorted((STATIC / "css").glob("*.css"))


def templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))


def test_every_font_face_points_at_a_file_in_static():
    urls = css_references(FONTS_CSS.read_text(encoding="utf-8"))
    assert len(urls) >= 4, "fonts.css should declare the Arabic and Latin files, regular and bold"
    for url in urls:
        assert not ABSOLUTE.match(url), url
        target = (FONTS_CSS.parent / url).resolve()
        assert target.is_relative_to(STATIC.resolve()), f"{url} points outside static/"
        assert target.is_file(), f"{url} in fonts.css: no such file {target}"
        assert target.read_bytes()[:4] == b"wOF2", f"{url} is not a woff2 font"


def test_the_font_the_stylesheet_asks_for_is_declared_and_licensed():
    family = re.search(r'font-family:\s*"([^"]+)"', (STATIC / "css" / "site.css").read_text()).group(1)
    fonts = FONTS_CSS.read_text(encoding="utf-8")
    assert f'font-family: "{family}"' in fonts
    assert fonts.count("font-display: swap") == fonts.count("@font-face") == 4
    assert "SIL OPEN FONT LICENSE" in (STATIC / "fonts" / "ibm-plex-sans-arabic" / "LICENSE").read_text()


@pytest.mark.parametrize("path", stylesheets() + templates(), ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_stylesheet_or_template_loads_anything_from_another_host(path):
    assert third_party_references(path) == []


def test_the_guard_finds_the_usual_third_party_requests(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<link rel="preconnect" href="https://fonts.gstatic.com">\n'
        "<link href='https://fonts.googleapis.com/css2?family=IBM+Plex+Sans+Arabic' rel=stylesheet>\n"
        '<script src="//cdn.example/app.js"></script>\n'
        '<img srcset="https://cdn.example/a.png 2x" alt="">\n'
        '<div style="background: url(https://cdn.example/b.png)"></div>\n'
        '<a href="https://x.com/UAEGov">a link a person follows is not a request</a>\n'
        '<img src="{% static \'img/logo.svg\' %}" alt="">\n'
    )
    assert len(third_party_references(page)) == 5
    sheet = tmp_path / "sheet.css"
    sheet.write_text(
        "/* https://in.a.comment/ is not fetched */\n"
        '@import "https://fonts.googleapis.com/css2?family=Noto+Sans+Arabic";\n'
        "body { background: url(../img/paper.png); }\n"
    )
    assert third_party_references(sheet) == ["https://fonts.googleapis.com/css2?family=Noto+Sans+Arabic"]
    assert stylesheets() and templates()
