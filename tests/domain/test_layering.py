"""The layering rule: the domain package never loads Flask."""

import subprocess
import sys


def test_importing_the_domain_loads_no_flask():
    modules = ["pathways", "pathways.cli", "pathways.routes", "pathways.reach",
               "pathways.render", "pathways.interchange.store", "pathways.serialise", "seed"]
    script = (f"import sys\nfor m in {modules!r}: __import__(m)\n"
              "loaded = sorted(m for m in sys.modules if m == 'flask' or m.startswith('flask'))\n"
              "print(','.join(loaded))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
