"""Hypothesis strategies for what an attacker, a broken client or a careless paste puts into a form or a URL.

Every strategy yields strings, as a browser sends them. `benign_text` is hostile in content but valid in shape
(short, printable), so that forms accept it and store it: that is how stored markup is reached.
"""

from hypothesis import strategies as st

# Markup that runs if a page ever writes it out unescaped; every one of them calls alert(.
SCRIPT_PAYLOADS = [
    '<script>alert("hostile")</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '" autofocus onfocus="alert(1)" x="',
    "javascript:alert(1)",
]
SQL_FRAGMENTS = [
    "' OR 1=1 --",
    "'; DROP TABLE councils_council; --",
    '" OR ""="',
    "1); SELECT pg_sleep(0); --",
    "%' AND '%'='",
    "\\'; --",
]
TEMPLATE_FRAGMENTS = ["{{ 7|add:7 }}{% debug %}", "%(name)s %s {0} ${x}"]
MIXED_SCRIPTS = [
    "Привет, мир",
    "مرحبا بالعالم",
    "中文字符測試",
    "日本語のテキスト",
    "עברית",
    "Ελληνικά",
    "😀👩‍👩‍👧‍👦🇸🇪",
    "e\u0301\u0308\u0327 Z\u0334\u0321a\u0336\u031bl\u0338g\u0335o",
    "Åäö ÅÄÖ ÆØ ß ﬁ",
]
# Each C0 control, DEL, and the invisible characters that reorder or hide text.
CONTROL_CHARACTERS = [chr(code) for code in range(0x20)] + ["\x7f", "\u202e", "\u202d", "\ufeff", "\u200b", "\u2028"]

_pieces = st.one_of(
    st.sampled_from(SCRIPT_PAYLOADS + SQL_FRAGMENTS + TEMPLATE_FRAGMENTS + MIXED_SCRIPTS),
    st.sampled_from(CONTROL_CHARACTERS),
    st.text(max_size=30),
)
_long_text = st.builds(
    lambda piece, length: (piece * (length // len(piece) + 1))[:length],
    st.sampled_from(SCRIPT_PAYLOADS + MIXED_SCRIPTS + ["x"]),
    st.integers(min_value=10_000, max_value=20_000),
)
hostile_text = st.one_of(st.lists(_pieces, min_size=1, max_size=6).map("".join), _long_text, st.just(""))
benign_text = st.sampled_from(SCRIPT_PAYLOADS[:5] + SQL_FRAGMENTS + MIXED_SCRIPTS)

hostile_number = st.one_of(
    st.sampled_from(
        ["-1", "0", "1e309", "-1e309", "1e-400", "NaN", "nan", "inf", "-Infinity", "1.5", "1,5", "0x10", "1_000",
         " 3 ", "١٢", "２", "99999999999999999999999999", "9223372036854775808", "-2147483649", "2147483648"]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(repr),
    hostile_text,
)  # fmt: skip

_INVALID_DATES = [
    "2026-02-30", "2026-02-29", "31/12", "0000-00-00", "2026-13-01", "2026-00-10", "99999-01-01", "-2026-01-01",
    "1-1-1", "20260101", "２０２６-０１-０１", "today", "2026-06-15T25:00",
]  # fmt: skip
# Valid dates at the edges of what Python can represent: adding a day or a time zone may overflow.
_EDGE_DATES = ["0001-01-01", "9999-12-31", "1900-01-01", "2024-02-29"]
hostile_date = st.one_of(
    st.sampled_from(_INVALID_DATES + _EDGE_DATES), st.dates().map(str), st.sampled_from(SQL_FRAGMENTS), hostile_text
)
hostile_time = st.one_of(
    st.sampled_from(["25:00", "12:60", "24:00", "-1:00", "23:59:59.9999999", "12", "noon", "１２:００", "00:00"]),
    st.times().map(str),
    hostile_text,
)
hostile_datetime = st.one_of(
    st.builds(lambda d, t: f"{d}T{t}", st.sampled_from(_INVALID_DATES + _EDGE_DATES), hostile_time),
    # A local time that does not exist (spring forward) and one that happens twice (fall back) in Stockholm.
    st.sampled_from(["2026-03-29T02:30", "2026-10-25T02:30", "9999-12-31T23:59", "0001-01-01T00:00"]),
    hostile_text,
)
hostile_choice = st.one_of(
    st.sampled_from(["-1", "0", "99999999999999999999", "1.5", "NaN", "", "\x00", "1 OR 1=1"]), hostile_text
)
hostile_email = st.one_of(
    st.sampled_from(["a@b", "@example.se", "a@@example.se", '"<script>"@example.se', "å@ä.se", "a" * 300 + "@x.se"]),
    hostile_text,
)

# Query strings a client may send that no form of the portal would: broken escapes, empty names, separators.
RAW_QUERY_STRINGS = ["%", "%zz", "%ff%fe=%c0%af", "=&&=&a", "a=%00", ";;", "a[]=1&a[b]=2", "page=1&page=x"]
