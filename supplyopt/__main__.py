"""``python -m supplyopt`` runs the command line."""

import sys

from supplyopt.cli import main

sys.exit(main())
