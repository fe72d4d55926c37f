"""Hostile values, by kind. Each markup payload carries its own marker so a page that
shows it unescaped can be named."""

from __future__ import annotations

MARKUP = [
    "<script>alert('hx1')</script>",
    '"><script>alert("hx2")</script>',
    "'><script>alert('hx3')</script>",
    '" onmouseover="alert(\'hx4\')" x="',
    "' onmouseover='alert(\"hx5\")' x='",
    "<img src=x onerror=alert('hx6')>",
    "<svg onload=alert('hx7')>",
    "</textarea><script>alert('hx8')</script>",
    "</title><script>alert('hx9')</script>",
    "<iframe src=\"javascript:alert('hx10')\"></iframe>",
    "<a href=\"javascript:alert('hx11')\">hx11</a>",
    "<style>body{display:none}/*hx12*/</style>",
    "<!--hx13",
    "<![CDATA[hx14]]>",
    "<body onload=alert('hx15')>",
    "<math><mi xlink:href=\"javascript:alert('hx16')\">x</mi></math>",
    "<input autofocus onfocus=alert('hx17')>",
    "<<script>script>alert('hx18')<</script>/script>",
    "&lt;script&gt;alert('hx19')&lt;/script&gt;",
    "<div style=\"background:url(javascript:alert('hx20'))\">",
]
URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.example/path",
    "https://evil.example/?q=<x>",
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "file:///etc/passwd",
]
SQL = [
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    '" OR 1=1 --',
    "1; SELECT pg_sleep(0); --",
    "%' AND 1=1 AND '%'='",
    "admin'--",
    "1 UNION SELECT NULL, NULL --",
    "\\'; --",
    "') OR ('a'='a",
    "1' ORDER BY 99 --",
]
FORMATS = [
    "%s", "%s%s%s%s%n", "%x%x%x", "%(name)s", "{0}", "{0.__class__}", "{}",
    "{{7*7}}", "${7*7}", "#{7*7}", "{% for x in range(99) %}x{% endfor %}",
    "{{ config.items() }}", "{# comment", "<%= 7*7 %>", "{{''.__class__.__mro__}}",
]
LONG = [
    "a" * 100_000,
    "é" * 50_000,
    "<" * 20_000,
    "word " * 20_000,
    "x" * 81,
    "x" * 257,
    "x" * 1001,
]
CONTROL = [
    "\x00",
    "a\x00b",
    "\x00\x01\x1b",
    "\x1b[31mred\x1b[0m",
    "\x07\x08",
    "\x7f",
    "line one\nline two",
    "line\r\nbreak",
    "\ttab",
    "\x0b\x0c",
    "\u202eevil.exe",
    "abc\u202efdp.txt",
    "\u200b\u200c\u200d",
    "\ufeffBOM",
    "\ufffe\uffff",
    "\u2028\u2029",
    "e\u0301" * 500,
    "👍🏽 Мария 日本語 مرحبا",
]
NUMBERS = [
    "99999999999999999999", "-99999999999999999999", "-1", "0", "2147483648",
    "-2147483649", "9223372036854775808", "1e309", "NaN", "inf", "-0", "0x10", "1.5",
    "٣", "1_000", " 7 ",
]
DATES = [
    "2025-02-30", "0000-00-00", "9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01",
    "2025-13-01", "2025-1-1", "31/12/2025", "2025-02-29", "2024-02-29T25:61",
    "9999-12-31T23:59", "24:00", "23:60", "-2025-01-01", "2025-06-15T10:00:00+99:00",
]
FORMULAS = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")',
            "'=1"]
MISC = ["", " ", "null", "None", "undefined", "true", "[]", "{}", "a@b.c",
        "a@b.c\r\nBcc: x@y.z", "Robert'); DROP TABLE students;--"]

#: Invalid UTF-8, sent as raw bytes in a form body.
BYTES = [b"\xff\xfe", b"\xc0\xaf", b"abc\xed\xa0\x80def", b"\x80" * 10]

ALL: list[str | bytes] = [*MARKUP, *URLS, *SQL, *FORMATS, *LONG, *CONTROL, *NUMBERS,
                          *DATES, *FORMULAS, *MISC, *BYTES]

#: A payload shown back must never appear as written when it holds markup.
DANGEROUS = [p for p in ALL if isinstance(p, str) and any(c in p for c in "<>\"'")
             and len(p) < 500]
