"""The dashboard's display names (``static/names.js``) under node, with a stub page.

Skipped when node is not installed (the page itself is tested in Chromium).
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tests.service.dashboard.test_revision_js import NODE, SCRIPT

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

ITEMS = [
    {"id": "tent", "name": "帐篷", "names": {"en": "Tent", "zh-Hant": "帳篷"}},
    {"id": "quilt", "name": "救灾棉被", "names": None},
    {"id": "coat", "name": None, "names": None},
]
TYPES = [{"id": "truck-10t", "name": None, "names": {"en": "10 t truck", "zh": "10吨货车"}}]


def shown(lang: str, program: str) -> Any:
    """Run ``program`` (an expression over ``N`` = SupplyoptNames) in a stub page in ``lang``."""
    assert NODE is not None
    setup = (
        f"global.window = {{Supplyopt: {{lang: () => {json.dumps(lang)}, t: (k) => 'title:' + k,"
        " onRerender: () => {}}};"
        "global.document = {title: ''}; global.sessionStorage = {getItem: () => null};"
        f"require({json.dumps(str(SCRIPT / 'names.js'))});"
        "const N = window.SupplyoptNames;"
        f"N.learn('item', {json.dumps(ITEMS)}); N.learn('vehicleType', {json.dumps(TYPES)});"
    )
    done = subprocess.run(
        [NODE, "-e", setup + f"process.stdout.write(JSON.stringify({program}));"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(done.stdout)


def test_names_in_the_page_language_then_name_then_id() -> None:
    """names[lang], else a tag of the same language, else name, else the id."""
    ids = "['tent', 'quilt', 'coat', 'unknown'].map(N.item)"
    assert shown("en", ids) == ["Tent", "救灾棉被", "coat", "unknown"]
    assert shown("zh", ids) == ["帳篷", "救灾棉被", "coat", "unknown"]
    assert shown("zh", "N.vehicle('urumqi/truck-10t/3')") == "10吨货车 3 (urumqi)"
    assert shown("en", "N.vehicleType('truck-10t')") == "10 t truck"


def test_a_later_source_without_names_keeps_them() -> None:
    """The catalogue (name only) learnt after a plan does not drop the plan's names per language."""
    program = "(N.learn('item', [{id: 'tent', name: '帐篷'}]), N.item('tent'))"
    assert shown("en", program) == "Tent"
    assert shown("en", "document.title") == "title:pageTitle"
