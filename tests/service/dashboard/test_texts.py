"""Every text of the dashboard exists in English and Chinese (``static/i18n.js``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[3] / "supplyopt_service" / "dashboard" / "static"

#: Keys the scripts build from data (``t("ev_" + kind)``): every value they can take.
BUILT_KEYS = (
    [f"ev_{k}" for k in ("set_demand", "add_area", "close_roads", "vehicle_down", "stock_change")]
    + [f"chg_{k}" for k in ("rerouted", "retimed", "reloaded", "cancelled", "new", "down", "other")]
    + [f"chgkind_{k}" for k in ("rerouted", "retimed", "reloaded", "cancelled", "new", "down")]
    + [f"cnt_{k}" for k in ("kept", "changed", "cancelled", "new")]
    + [f"appr_{k}" for k in ("approved", "dispatched", "released", "superseded")]
    + [f"fld_{k}" for k in ("area", "item", "total", "id", "name", "lat", "lon", "demand")]
    + [f"fld_{k}" for k in ("priority", "radius_km", "vehicle", "warehouse", "quantity")]
    + ["chgkind_other", "mapHintArea", "mapHintClosure", "mapHintOther"]
    + [f"rdStatus_{k}" for k in ("queued", "running", "done", "failed", "cancelled")]
    + [f"rdState_{k}" for k in ("draft", "approved", "rejected")]
    + [f"why_{k}" for k in ("stock", "fleet", "deadline", "unreachable", "not_served")]
    + [f"reason_{k}" for k in ("stock", "fleet", "deadline", "unreachable", "not_served")]
    + [f"def_{k}" for k in ("coverage", "weighted", "minArea", "onTimeUnits", "makespan")]
    + [f"def_{k}" for k in ("vehicles", "distance", "solve")]
    + [f"mvHint_{k}" for k in ("receipt", "issue", "adjustment")]
    + [f"mvKind_{k}" for k in ("receipt", "issue", "adjustment", "reserve", "release")]
    + ["kpiOnTimeUnits", "stockPlanned", "sent", "left", "fleet", "plannerNote", "covA", "covB"]
    + ["itemsAB", "firstArrivalAB", "lastArrivalAB", "definition", "metric", "planA", "planB"]
    + [f"dis_{k}" for k in ("close_roads", "slow_roads", "warehouse_out", "reduce_fleet")]
    + ["dis_scale_demand"]
    + [
        f"{k}_{a}"
        for k in ("confirm", "confirmBtn", "done")
        for a in ("approve", "dispatch", "release")
    ]
    + ["confirm_revision"]
)


def languages() -> dict[str, set[str]]:
    """The keys of each language block of i18n.js."""
    text = (STATIC / "i18n.js").read_text(encoding="utf-8")
    en, zh = re.split(r"^\s*zh: \{$", text, flags=re.M)
    keys = re.compile(r"(?:^\s*|[{,]\s*)(\w+): \"", re.M)
    return {"en": set(keys.findall(en)), "zh": set(keys.findall(zh))}


def used_keys() -> set[str]:
    """Keys the page names literally: data-i18n attributes and ``t("…")`` calls."""
    used = set(re.findall(r'data-i18n(?:-aria)?="(\w+)"', (STATIC / "index.html").read_text()))
    for script in sorted(STATIC.glob("*.js")):
        used |= set(re.findall(r'\bt\("(\w+)"[,)]', script.read_text(encoding="utf-8")))
    return used | set(BUILT_KEYS)


def test_both_languages_have_the_same_keys() -> None:
    """No text is English-only or Chinese-only."""
    found = languages()
    assert len(found["en"]) > 200
    assert found["en"] ^ found["zh"] == set()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_text_the_page_uses_is_translated(lang: str) -> None:
    """Each key the page and its scripts use has a text in the language."""
    assert used_keys() - languages()[lang] == set()


def test_operation_texts_are_chinese_in_chinese() -> None:
    """The Operation view's own texts are written in Chinese, not copied English."""
    text = (STATIC / "i18n.js").read_text(encoding="utf-8")
    zh = text.split("  zh: {", 1)[1]
    for key in ("tabOperation", "replan", "approveRevision", "chg_rerouted", "ev_vehicle_down"):
        value = re.search(rf"\b{key}: \"([^\"]*)\"", zh)
        assert value is not None, key
        assert re.search(r"[\u4e00-\u9fff]", value.group(1)), key


def test_dispatcher_view_texts_are_chinese_in_chinese() -> None:
    """The shortage summary, compare, area filter and inventory form texts are written in Chinese."""
    text = (STATIC / "i18n.js").read_text(encoding="utf-8")
    zh = text.split("  zh: {", 1)[1]
    keys = ("pageTitle", "shortageTitle", "why_stock", "why_fleet", "def_minArea", "onlyShort")
    for key in (*keys, "mvSubmit", "mvNoAnswer", "mvHint_adjustment", "compareAreas"):
        value = re.search(rf"\b{key}: \"([^\"]*)\"", zh)
        assert value is not None, key
        assert re.search(r"[\u4e00-\u9fff]", value.group(1)), key
