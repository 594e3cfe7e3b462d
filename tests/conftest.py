import os
import sys

# Tests import helpers as `tests.<module>`; make the checkout importable however pytest is run.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
