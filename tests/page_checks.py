"""Page checks axe-core does not make, and a crawler that finds every kind of page.

Used by the browser tests: the checks run as page script in Chromium, the crawler
follows a signed-in person's links from the start page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit, urlunsplit

# Duplicate ids, labels naming a missing or non-labelable element, ARIA references
# to missing ids, and form controls without an accessible name.
STRUCTURE_JS = r"""
() => {
  const problems = [];
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.getAttribute('name')) s += '[name=' + el.getAttribute('name') + ']';
    if (el.type && el.tagName === 'INPUT') s += '[type=' + el.type + ']';
    return s;
  };
  const counts = new Map();
  for (const el of document.querySelectorAll('[id]')) {
    counts.set(el.id, (counts.get(el.id) || 0) + 1);
  }
  for (const [id, n] of counts) {
    if (n > 1) problems.push(`${n} elements share id="${id}"`);
  }
  const labelable = 'input:not([type=hidden]), select, textarea, button, meter, output, progress';
  for (const label of document.querySelectorAll('label[for]')) {
    const target = document.getElementById(label.htmlFor);
    if (!target) problems.push(`label for="${label.htmlFor}" names no element`);
    else if (!target.matches(labelable))
      problems.push(`label for="${label.htmlFor}" names a ${describe(target)}, `
                    + 'which takes no label');
  }
  const refs = ['aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-errormessage'];
  for (const attr of refs) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id))
          problems.push(`${describe(el)} has ${attr}="${id}", but no element has that id`);
      }
    }
  }
  const text = (el) => (el ? (el.innerText || el.textContent || '').trim() : '');
  const nameOf = (el) => {
    if ((el.getAttribute('aria-label') || '').trim()) return el.getAttribute('aria-label').trim();
    const by = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    const byText = by.map((id) => text(document.getElementById(id))).join(' ').trim();
    if (byText) return byText;
    const labels = Array.from(el.labels || []).map((l) => (l.textContent || '').trim())
      .join(' ').trim();
    if (labels) return labels;
    if (el.tagName === 'BUTTON') return (el.textContent || '').trim();
    if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type))
      return (el.value || '').trim() || (el.type === 'submit' ? 'Submit' : '');
    if (el.tagName === 'INPUT' && el.type === 'image') return (el.alt || '').trim();
    return (el.getAttribute('title') || el.getAttribute('placeholder') || '').trim();
  };
  const controls = 'input:not([type=hidden]), select, textarea, button';
  for (const el of document.querySelectorAll(controls)) {
    if (!nameOf(el)) problems.push(`${describe(el)} has no accessible name`);
  }
  return problems;
}
"""

# Sideways scrolling, with the elements that stick out to say why.
OVERFLOW_JS = r"""
() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0) {
      let s = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (typeof el.className === 'string' && el.className.trim()
           ? '.' + el.className.trim().split(/\s+/).join('.') : '');
      out.push(`${s} (right edge ${Math.round(r.right)} px)`);
      if (out.length >= 4) break;
    }
  }
  return `page is ${document.documentElement.scrollWidth} px wide in a ${width} px window: `
    + out.join(', ');
}
"""

LINKS_JS = "els => els.map(a => a.href)"

_NUMBER = re.compile(r"/\d+(?=/|$)")
_TOKEN = re.compile(r"/[A-Za-z0-9_-]{20,}(?=/|$)")


def url_pattern(url: str) -> str:
    """The kind of page a URL is: ids and tokens replaced, query keys without values."""
    parts = urlsplit(url)
    path = _TOKEN.sub("/<token>", _NUMBER.sub("/<n>", parts.path))
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


@dataclass
class Crawl:
    """Breadth-first over same-origin links, at most ``per_kind`` URLs of each kind.

    ``kinds`` may be shared between crawls (people whose pages look alike share a
    ``group``) so a kind of page one of them saw is not loaded again for the other.
    """

    origin: str
    group: str = ""
    per_kind: int = 1
    kinds: dict[tuple[str, str], int] = field(default_factory=dict)
    skip: tuple[str, ...] = ("/static/",)
    queue: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def add(self, url: str, force: bool = False) -> None:
        """Queue a link if it is a new page of this site and its kind is not yet covered."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
        if url in self.seen or any(parts.path.startswith(s) for s in self.skip):
            return
        kind = (self.group, url_pattern(url))
        if self.kinds.get(kind, 0) >= self.per_kind and not force:
            return
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.seen.add(url)
        self.queue.append(url)

    def __iter__(self):
        while self.queue:
            yield self.queue.pop(0)
