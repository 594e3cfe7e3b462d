import os
import sys

# Tests import helpers as `tests.<module>`; make the checkout importable however pytest is run.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The parse cache lives in a per-session temporary directory, so tests never read entries a
# previous run (or another checkout) left in ~/.cache, and never write there.
if "TFATTEST_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["TFATTEST_CACHE_DIR"] = tempfile.mkdtemp(prefix="tfattest-test-cache-")
