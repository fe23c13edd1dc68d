"""``python -m benchmarks``: the one benchmark runner (the logic is in run.py)."""
import sys

from benchmarks.run import main

sys.exit(main())
