"""Find the app's pages and forms as a person would: follow links, read <form> elements
(stdlib html.parser), and fill every field with a valid default."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

#: Links the crawl never follows: files (each is fetched elsewhere) and sign-out.
SKIP_LINK = re.compile(r"(\.docx|\.ics|\.csv|\.json|\.zip|\.pdf|/download|/export|/static/"
                       r"|/logout)(\?|$|/)")

#: A valid value for an empty field, by input type (the name can refine it).
DEFAULTS = {
    "text": "Sample text", "search": "", "email": "sweep@example.org", "tel": "555-0100",
    "url": "https://example.org/", "date": "2026-03-04", "time": "10:00",
    "datetime-local": "2026-03-04T10:00", "number": "1", "textarea": "Sample text",
    "password": "", "hidden": "",
}


@dataclass
class Field:
    name: str
    kind: str  # input type, "textarea", "select", "select-multiple"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False
    required: bool = False


@dataclass
class Form:
    page: str
    action: str
    method: str
    enctype: str
    fields: list[Field] = field(default_factory=list)

    @property
    def shape(self) -> tuple:
        """Forms repeated on a page (one per list row) share a shape: sweep one of them."""
        return (re.sub(r"\d+", "N", self.action), tuple(sorted({f.name for f in self.fields})))

    def defaults(self) -> dict[str, list[str]]:
        """What a person who fills in what is required would send."""
        data: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind in ("checkbox", "radio"):
                if f.checked or (f.kind == "radio" and f.name not in data and f.required):
                    data.setdefault(f.name, []).append(f.value or "y")
                continue
            if f.kind == "file" or f.kind in ("submit", "button", "reset", "image"):
                continue
            if f.kind in ("select", "select-multiple"):
                if f.value:
                    data.setdefault(f.name, []).append(f.value)
                elif f.options and f.kind == "select":  # what a browser sends
                    first = f.options[0]
                    if not first and f.required:
                        first = next((o for o in f.options if o), first)
                    data.setdefault(f.name, []).append(first)
                continue
            value = f.value
            if not value and f.required:
                value = DEFAULTS.get(f.kind, "Sample text")
            data.setdefault(f.name, []).append(value)
        # A radio group none of whose buttons was checked: the first one.
        for f in self.fields:
            if f.kind == "radio" and f.name not in data:
                data[f.name] = [f.value]
        return data


class _Parser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page, a["href"]))
        elif tag == "form":
            self._form = Form(self.page, urljoin(self.page, a.get("action") or self.page),
                              (a.get("method") or "get").lower(),
                              a.get("enctype") or "application/x-www-form-urlencoded")
        elif self._form is None or "name" not in a and tag != "option":
            return
        elif tag == "input":
            self._form.fields.append(Field(a["name"], (a.get("type") or "text").lower(),
                                           a.get("value", ""), checked="checked" in a,
                                           required="required" in a))
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea", "", required="required" in a)
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(a["name"], "select-multiple" if "multiple" in a else "select",
                                 required="required" in a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a)
            self._option_text = ""
        elif tag == "button" and a.get("name"):
            self._form.fields.append(Field(a["name"], "submit", a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected = self._option
            value = self._option_text.strip() if value is None else value
            self._select.options.append(value)
            if selected and not self._select.value:
                self._select.value = value
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def parse(page: str, html: str) -> tuple[list[str], list[Form]]:
    """The same-site links and the forms of one page."""
    parser = _Parser(page)
    parser.feed(html)
    links = []
    for link in parser.links:
        parts = urlsplit(link)
        if parts.scheme in ("", "http") and parts.netloc in ("", "localhost"):
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith("/") and not SKIP_LINK.search(path):
                links.append(path)
    for form in parser.forms:
        form.action = urlsplit(form.action).path + (
            f"?{urlsplit(form.action).query}" if urlsplit(form.action).query else "")
        if form.action == "":
            form.action = page
    return links, parser.forms


def crawl(client, start: str = "/", limit: int = 400, same_shape: int = 2
          ) -> tuple[dict[str, str], list[Form]]:
    """GET pages breadth-first from ``start``; returns {path: html} and the distinct forms.

    Pages whose address differs only in ids are visited ``same_shape`` times at most.
    """
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    pages: dict[str, str] = {}
    forms: dict[tuple, Form] = {}
    queue = [start]
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        shape = re.sub(r"\d+", "N", path.split("#")[0])
        if shapes.get(shape, 0) >= same_shape:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(path.split("#")[0])
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        html = response.get_data(as_text=True)
        pages[path] = html
        links, page_forms = parse(path, html)
        for form in page_forms:
            forms.setdefault(form.shape, form)
        queue.extend(link for link in links if link not in seen)
    return pages, list(forms.values())
