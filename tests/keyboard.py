"""Drive a Playwright page with the keyboard alone, as a person without a mouse would.

Locators are used only to know *which* element the person is looking for; it is reached
with Tab / Shift+Tab and used with Enter, Space, arrow keys or typing.
"""

from __future__ import annotations

from helpers import assert_no_axe_violations
from page_checks import STRUCTURE_JS, url_pattern

FOCUSED_JS = """() => { const el = document.activeElement; if (!el) return '(nothing)';
  const name = (el.getAttribute('aria-label') || el.innerText || el.value || '').trim();
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + name.slice(0, 60); }"""


class Keyboard:
    """One person's keyboard on one page; checks each kind of page it arrives at once."""

    def __init__(self, page, origin: str):
        self.page = page
        self.origin = origin
        self.checked: set[str] = set()
        self.presses = 0

    # -- moving -------------------------------------------------------------------------
    def tab_to(self, locator, back: bool = False, limit: int = 250) -> None:
        """Press Tab (or Shift+Tab) until ``locator`` has the focus, with a visible ring."""
        handle = locator.element_handle()
        key = "Shift+Tab" if back else "Tab"
        for _ in range(limit):
            if handle.evaluate("el => el === document.activeElement"):
                assert handle.evaluate("el => el.matches(':focus-visible')"), (
                    f"no visible focus on {self.focused()}")
                return
            self.page.keyboard.press(key)
            self.presses += 1
        raise AssertionError(f"{limit} presses of {key} never reached {locator}; "
                             f"focus is on {self.focused()} at {self.page.url}")

    def skip_to_main(self) -> None:
        """Tab to the skip link and follow it, as keyboard users do on a new page."""
        self.page.keyboard.press("Tab")
        self.presses += 1
        assert "Skip to main content" in self.focused(), self.focused()
        self.page.keyboard.press("Enter")

    def focused(self) -> str:
        return self.page.evaluate(FOCUSED_JS)

    # -- acting -------------------------------------------------------------------------
    def press(self, locator, key: str = "Enter", back: bool = False) -> None:
        """Reach ``locator`` by Tab and press a key on it (Enter follows links and submits)."""
        self.tab_to(locator, back=back)
        self.page.keyboard.press(key)

    def follow(self, locator, back: bool = False) -> None:
        """Reach a link or button by Tab, press Enter, and check the page it leads to."""
        self.tab_to(locator, back=back)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.arrived()

    def type_into(self, locator, text: str, back: bool = False) -> None:
        """Reach a field by Tab and type into it."""
        self.tab_to(locator, back=back)
        self.page.keyboard.type(text)

    def choose(self, locator, label: str, back: bool = False) -> None:
        """Reach a select by Tab and move through its options with the arrow keys."""
        self.tab_to(locator, back=back)
        handle = locator.element_handle()
        current = "el => el.options[el.selectedIndex] ? el.options[el.selectedIndex].text : ''"
        for key in ("Home",) + ("ArrowDown",) * 40:
            if key != "Home" and handle.evaluate(current).strip() == label:
                return
            self.page.keyboard.press(key)
        assert handle.evaluate(current).strip() == label, f"no option {label!r}"

    # -- checking -----------------------------------------------------------------------
    def arrived(self) -> None:
        """On a kind of page not seen yet: zero axe violations and sound ids and labels."""
        kind = url_pattern(self.page.url.split("#")[0])
        if kind in self.checked:
            return
        self.checked.add(kind)
        assert_no_axe_violations(self.page)
        problems = self.page.evaluate(STRUCTURE_JS)
        assert not problems, f"{self.page.url}: " + "; ".join(problems)

    def sign_in(self, email: str, password: str) -> None:
        """Open the sign-in page and sign in with the keyboard."""
        self.page.goto(self.origin + "/login")
        self.arrived()
        self.type_into(self.page.get_by_label("Email"), email)
        self.type_into(self.page.get_by_label("Password"), password)
        self.page.keyboard.press("Enter")
        self.page.wait_for_url(self.origin + "/")
        self.arrived()
