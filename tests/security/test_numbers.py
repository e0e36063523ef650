"""Every numeric cell is bounded by length and magnitude before it is converted.

A count written `1e600000` used to become a 600,000-digit int before any size check (the
cost grows with the square of the exponent: 20 such rows held a gunicorn worker 31 s).
The fuzz below asserts the answer for every numeric form; the time per row is measured
in bench/bounds.py, not here.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.models import DailyMetric
from imports.parsers.cells import ads_number, canonical_count, canonical_money, studio_count
from imports.parsers.records import MAX_COUNT, MAX_MONEY, Bad
from lib.numbers import MAX_FIGURE_CHARS, OutOfRange, bounded_decimal, bounded_int
from tests.factories import AccountFactory
from tests.imports.import_service_files import run, workbook

FUZZ = settings(
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

DIGIT_SETS = ["0123456789", "٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "०१२३४५६७८९"]


@st.composite
def numeric_forms(draw: st.DrawFn) -> str:
    """Text as a figure may be written: signs, separators, exponents, other digits, inf, nan."""
    if draw(st.integers(0, 9)) == 0:
        return draw(
            st.sampled_from(
                ["inf", "-inf", "Infinity", "nan", "NaN", "sNaN", "-nan", "NaN123", "1e", "e5"]
            )
        )
    digits = draw(st.sampled_from(DIGIT_SETS))
    whole = draw(st.text(digits, min_size=0, max_size=draw(st.sampled_from([3, 20, 400]))))
    text = draw(st.sampled_from(["", "+", "-", "\u2212", " "])) + whole
    if draw(st.booleans()):
        text += "." + draw(st.text(digits, max_size=5))
    if draw(st.booleans()):
        sign = draw(st.sampled_from(["", "+", "-"]))
        exponent = draw(st.integers(0, 10**7))
        text += draw(st.sampled_from(["e", "E"])) + sign + str(exponent)
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from([",", ".", "_", " ", "'", "\u00a0"])) + text[at:]
    return text


def expected_count(cell: str, net: bool) -> int | str | None:
    """What canonical_count must answer: the int, None, or the end of the error."""
    text = cell.strip()
    if not text:
        return None
    if len(text) > MAX_FIGURE_CHARS:
        return "is too long for a figure"
    try:
        number = Decimal(text)  # bounded text: cheap even with a large exponent
    except InvalidOperation:
        return "is not a number"
    if not number.is_finite():
        return "is not a number"
    if number.copy_abs() > MAX_COUNT:
        return "is too large"
    if number < 0 and not net:
        return "is negative"
    if number != number.to_integral_value():
        return "is not a whole number"
    return int(number)


def answer(read, *args) -> object:
    try:
        return read(*args)
    except Bad as bad:
        return str(bad)


@FUZZ
@given(numeric_forms(), st.booleans())
def test_a_count_cell_answers_as_its_text_says(cell, net):
    expected = expected_count(cell, net)
    got = answer(canonical_count, cell, net)
    if isinstance(expected, str):
        assert isinstance(got, str), (cell, got)
        assert got.endswith(expected) or expected in got, (cell, got, expected)
    else:
        assert got == expected, cell


@FUZZ
@given(numeric_forms())
def test_every_reader_answers_a_value_in_range_or_a_clear_error(cell):
    for read, args, limit in [
        (canonical_count, (cell, True), MAX_COUNT),
        (studio_count, (cell, True), MAX_COUNT),
        (ads_number, (cell, False), MAX_COUNT),
        (ads_number, (cell, True), MAX_MONEY),
        (canonical_money, (cell, False), MAX_MONEY),
        (canonical_money, (cell, True), MAX_MONEY),
    ]:
        got = answer(read, *args)
        if isinstance(got, str):
            assert got.startswith("'"), (read.__name__, cell, got)
        elif got is not None:
            assert abs(got) <= limit, (read.__name__, cell, got)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1e600000", "'1e600000' is too large"),
        ("-1E+999999999", "'-1E+999999999' is too large"),
        ("9223372036854775808", "'9223372036854775808' is too large"),
        ("1" * 400, "is too long for a figure (over 64 characters)"),
        ("inf", "'inf' is not a number"),
        ("NaN", "'NaN' is not a number"),
        ("-Infinity", "'-Infinity' is not a number"),
        ("1e-600000", "'1e-600000' is not a whole number"),
        ("1.5", "'1.5' is not a whole number"),
    ],
)
def test_a_count_out_of_bounds_is_refused_with_what(cell, message):
    with pytest.raises(Bad) as caught:
        canonical_count(cell)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("cell", "count"),
    [("1e3", 1000), ("١٢٣", 123), ("１２", 12), (" 42 ", 42), ("+7", 7), ("1_000", 1000)],
)
def test_numeric_forms_python_reads_are_read_alike(cell, count):
    assert canonical_count(cell) == count


@pytest.mark.parametrize("reader", [studio_count, lambda cell: ads_number(cell, False)])
@pytest.mark.parametrize("cell", ["1e600000", "9" * 70, "1,000,000," + "000," * 30 + "000"])
def test_grouped_readers_bound_the_text_too(reader, cell):
    with pytest.raises(Bad, match="too (large|long)|not a number"):
        reader(cell)


def test_money_beyond_its_column_is_refused():
    with pytest.raises(Bad, match="too large"):
        canonical_money("1e12", False)
    assert canonical_money("999999999999.99", False) == Decimal("999999999999.99")


def test_the_bound_is_checked_before_conversion():
    with pytest.raises(OutOfRange):
        bounded_decimal("9" * (MAX_FIGURE_CHARS + 1), limit=10)
    with pytest.raises(OutOfRange):
        bounded_int("1e999999999")
    assert bounded_int("2.5") is None
    assert bounded_int("nan") is None


@pytest.mark.django_db
def test_an_upload_of_huge_exponents_is_refused_by_line_and_column(acme):
    official = AccountFactory(team=acme, handle="acmeofficial")
    rows = "".join(f"2024-10-{day:02d},1e600000\n" for day in range(1, 21))
    result = run(acme, [("big.csv", f"date,video_views\n{rows}".encode())], account=official)

    assert result.errors[0] == "big.csv: line 2, column video_views: '1e600000' is too large"
    assert result.error_count == 20
    assert not DailyMetric.objects.exists()


@pytest.mark.django_db
def test_a_workbook_of_huge_figures_is_refused(acme):
    official = AccountFactory(team=acme, handle="acmeofficial")
    data = workbook([["date", "video_views"], ["2024-10-01", "1e600000"], ["2024-10-02", 1e300]])
    result = run(acme, [("big.xlsx", data)], account=official)

    assert result.error_count == 2
    assert all("too large" in error for error in result.errors)
    assert not DailyMetric.objects.exists()


def _sheet_with_raw_value(raw: str) -> bytes:
    """A workbook whose likes cell holds `raw` as a numeric value, as a crafted file can."""
    import io
    import zipfile

    source = zipfile.ZipFile(
        io.BytesIO(workbook([["date", "handle", "likes"], ["2024-10-07", "acme", 12345]]))
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as crafted:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("sheet1.xml"):
                data = data.replace(b"<v>12345</v>", f"<v>{raw}</v>".encode())
            crafted.writestr(info.filename, data)
    return out.getvalue()


@pytest.mark.parametrize("raw", ["9" * 100_000, "9" * 4000, "1e600000", "-1E+999999999", "NaN"])
def test_a_crafted_numeric_xlsx_cell_is_an_error_not_a_hang(raw):
    from datetime import date

    from imports.parsers import parse

    parsed = parse("crafted.xlsx", _sheet_with_raw_value(raw), as_of=date(2025, 1, 1))

    assert list(parsed.rows) == []
    assert parsed.errors
