import pytest

from simulator.format.durations import format_duration, parse_duration


@pytest.mark.parametrize(("raw", "minutes"), [("90m", 90), ("2h", 120), ("1d 3h", 1620), (45, 45), ("1h30m", 90), ("T+1h", 60), ("30s", 0.5), ("1.5h", 90)])
def test_parse(raw, minutes):
    assert parse_duration(raw) == pytest.approx(minutes)


@pytest.mark.parametrize("raw", ["", "soon", "5x", "-5", -1, True, None, "1h soon", float("nan"), "9" * 50])
def test_parse_errors(raw):
    with pytest.raises(ValueError):
        parse_duration(raw)


def test_format():
    assert format_duration(0) == "0m"
    assert format_duration(125) == "2h 05m"
    assert format_duration(1500) == "1d 1h 00m"
