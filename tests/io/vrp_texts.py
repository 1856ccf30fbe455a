"""Tiny benchmark files, inline, for reader, verifier and CLI tests."""

from __future__ import annotations

from pathlib import Path

#: Solomon layout with CRLF endings: depot 0 open [0, 100], three customers.
SOLOMON = (
    "TINY1\r\n\r\nVEHICLE\r\nNUMBER     CAPACITY\r\n  2         10\r\n\r\nCUSTOMER\r\n"
    "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\r\n \r\n"
    "    0      0          0          0          0        100          0\r\n"
    "    1      3          4          4          0         50          2\r\n"
    "    2      6          8          4         10         60          2\r\n"
    "    3      0         10          5          0         40          1\r\n"
)

#: VRPLIB CVRP: depot node 1, three customers, EUC_2D (nearest-integer edges).
VRPLIB = """NAME : tiny-n4
TYPE : CVRP
DIMENSION : 4
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 10
NODE_COORD_SECTION
1 0 0
2 3 4
3 6 8
4 1 10
DEMAND_SECTION
1 0
2 4
3 4
4 5
DEPOT_SECTION
1
-1
EOF
"""

#: Cordeau MDVRP: type 2, m=1 vehicle per depot, n=3 customers, t=2 depots, D=40, Q=10.
CORDEAU = """2 1 3 2
40 10
40 10
1 3 4 2 4 1 2 1 2
2 6 8 2 4 1 2 1 2
3 0 10 1 5 1 2 1 2
4 0 0 0 0 0 0
5 10 10 0 0 0 0
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    """Write ``text`` byte-exactly (CRLF kept) and return the path."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path
