import re

from supplyopt.model import Plan, Scenario
from supplyopt.report import dispatch_sheets_html


def test_one_sheet_per_vehicle_self_contained(scenario: Scenario, plan: Plan) -> None:
    """All sheets in one UTF-8 document, one section per vehicle, nothing loaded from outside."""
    html = dispatch_sheets_html(scenario, plan)
    assert '<meta charset="utf-8">' in html
    assert html.count('<section class="sheet"') == 2
    assert "@media print" in html
    assert not re.search(r"<script|<link|src=|url\(|https?://", html)


def test_names_unchanged_and_late_stop_marked(scenario: Scenario, plan: Plan) -> None:
    """Chinese names appear as written; a stop after the deadline is flagged late."""
    html = dispatch_sheets_html(scenario, plan, vehicle="north/truck-5t/1")
    assert html.count('<section class="sheet"') == 1
    for name in ("北库", "5吨货车", "甲乡", "救灾帐篷"):
        assert name in html
    assert html.count('class="late"') == 1
    assert "T+13:00" in html


def test_names_are_escaped(scenario: Scenario, plan: Plan) -> None:
    """Markup in a name is shown as text, not interpreted."""
    scenario.areas[0].name = "<b>甲</b>"
    html = dispatch_sheets_html(scenario, plan)
    assert "&lt;b&gt;甲&lt;/b&gt;" in html
    assert "<b>甲</b>" not in html
