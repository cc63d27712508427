"""A `{# … #}` comment must end on its line (Django's rule): spread over lines it is printed on the page, as
the booking form once showed its own comment to customers."""

from pathlib import Path

SRC = Path(__file__).resolve().parents[2]


def test_no_template_comment_spans_lines():
    broken = []
    for path in SRC.rglob("templates/**/*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.count("{#") > line.count("#}"):
                broken.append(f"{path.relative_to(SRC)}:{number}")
    assert broken == [], "use {% comment %} for comments over several lines: " + ", ".join(broken)
