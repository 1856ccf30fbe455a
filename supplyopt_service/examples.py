"""Request examples shown in the OpenAPI document (``/docs``)."""

from __future__ import annotations

from typing import Any

ITEM: dict[str, Any] = {"id": "tent", "name": "救灾帐篷", "weight_kg": 75.0, "volume_m3": 0.4}

WAREHOUSE: dict[str, Any] = {
    "id": "changji-reserve",
    "name": "昌吉州救灾物资储备库",
    "lat": 44.01,
    "lon": 87.27,
    "stock": {"tent": 400, "quilt": 3000},
    "fleet": {"truck-10t": 4},
    "ready_hours": 0.5,
    "loading_hours": 0.5,
    "loading_bays": 2,
}

SCENARIO: dict[str, Any] = {
    "name": "changji-demo",
    "deadline_hours": 12,
    "items": [ITEM, {"id": "quilt", "name": "棉被", "weight_kg": 3.0, "volume_m3": 0.03}],
    "vehicle_types": [{"id": "truck-10t", "capacity_kg": 10000, "capacity_m3": 45}],
    "warehouses": [WAREHOUSE],
    "areas": [
        {
            "id": "hutubi",
            "name": "呼图壁县",
            "lat": 44.19,
            "lon": 86.90,
            "demand": {"tent": 300, "quilt": 2000},
            "priority": 2,
        },
        {
            "id": "manas",
            "name": "玛纳斯县",
            "lat": 44.30,
            "lon": 86.22,
            "demand": {"tent": 150, "quilt": 800},
        },
    ],
}

PLAN_REQUEST: dict[str, Any] = {"scenario": SCENARIO, "use_inventory": True, "time_limit_s": 10}

REPLAN_REQUEST: dict[str, Any] = {
    "events": {
        "now_hours": 4.0,
        "events": [
            {
                "kind": "add_area",
                "at_hours": 3.0,
                "area": {
                    "id": "dongwan",
                    "name": "东湾镇",
                    "lat": 44.2,
                    "lon": 86.1,
                    "demand": {"quilt": 800},
                    "priority": 2,
                },
            },
            {
                "kind": "stock_change",
                "at_hours": 2.0,
                "warehouse": "changji-reserve",
                "item": "tent",
                "quantity": -20,
            },
        ],
    },
    "time_limit_s": 10,
}


def example(summary: str, value: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Wrap one value as FastAPI ``openapi_examples``."""
    return {"default": {"summary": summary, "value": value}}
