"""Three-way merge of two editors' notes (pure: text in, text or None out).

Both editors started from ``base``. ``theirs`` is what the server saved since;
``mine`` is this save. diff-match-patch (diff_main, then its semantic clean-up)
finds the regions of ``base`` each side changed. When no region of one side
overlaps or touches a region of the other, this save's changes are patched into
``theirs`` at the places their base text moved to, each only where exactly that
base text is found (dmp's own patch_apply is not used: its 4-character context
fails beside the other editor's change, and its fuzzy match could misplace one).
Anything else is a real overlap: the person merges by hand.
"""

from __future__ import annotations

from diff_match_patch import diff_match_patch

Region = tuple[int, int, str]  # start and end in base, and the text put there


def _dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 1.0  # seconds; a longer diff falls back to coarser (safer) regions
    return dmp


def changed_regions(base: str, other: str) -> list[Region]:
    """Where ``other`` differs from ``base``: (start, end, replacement) in base's positions."""
    dmp = _dmp()
    diffs = dmp.diff_main(base, other)
    dmp.diff_cleanupSemantic(diffs)
    regions: list[Region] = []
    pos = 0
    start, text, open_ = 0, [], False
    for op, chunk in diffs:
        if op == dmp.DIFF_EQUAL:
            if open_:
                regions.append((start, pos, "".join(text)))
                open_, text = False, []
            pos += len(chunk)
            continue
        if not open_:
            start, open_ = pos, True
        if op == dmp.DIFF_DELETE:
            pos += len(chunk)
        else:
            text.append(chunk)
    if open_:
        regions.append((start, pos, "".join(text)))
    return regions


def _overlap(a: list[Region], b: list[Region]) -> bool:
    """True when a region of one side overlaps or touches one of the other's.

    Touching counts: two insertions at one place (both typed at the end of the
    notes, say) have no right order, so the person chooses.
    """
    return any(s1 <= e2 and s2 <= e1 for s1, e1, _ in a for s2, e2, _ in b)


def _shift(regions: list[Region], at: int) -> int:
    """How far a place in base moved in the text these (earlier) regions produced."""
    return sum(len(t) - (e - s) for s, e, t in regions if e <= at)


def merge3(base: str, theirs: str, mine: str) -> str | None:
    """The notes with both editors' changes, or None when they touch the same place.

    Each of this save's changes is applied to the newer text at the place its base
    region moved to, and only if exactly the base text it replaces is found there
    (a clean apply, with no fuzzy matching that could misplace it).
    """
    if theirs == base or theirs == mine:
        return mine
    if mine == base:
        return theirs
    ours, other = changed_regions(base, mine), changed_regions(base, theirs)
    if _overlap(ours, other):
        return None
    out, pos = [], 0
    for start, end, text in ours:
        at = start + _shift(other, start)
        if theirs[at:at + end - start] != base[start:end]:
            return None
        out += [theirs[pos:at], text]
        pos = at + end - start
    out.append(theirs[pos:])
    return "".join(out)
