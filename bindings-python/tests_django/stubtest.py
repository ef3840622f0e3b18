"""mypy.stubtest for the installed jenga_stk, with Django set up first (the
package ships jenga_stk.django, which imports Django's settings) and the
django-stubs plugin (mypy.ini here). The Django app itself is plain Python
with no stubs to compare: stubtest-allowlist.txt skips it; mypy --strict
checks it. Run from this folder: python stubtest.py jenga_stk."""

import os
import sys
from pathlib import Path

import django

HERE = Path(__file__).resolve().parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
sys.path.insert(0, str(HERE))
django.setup()

from mypy.stubtest import main  # noqa: E402

sys.argv[1:1] = ["--mypy-config-file", str(HERE / "mypy.ini"), "--allowlist", str(HERE / "stubtest-allowlist.txt")]
sys.exit(main())
