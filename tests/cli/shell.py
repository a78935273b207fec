"""Commands as a user runs them: pasted into bash, with amity on the PATH."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BIN = str(Path(sys.executable).parent)
"""The folder holding the installed ``amity`` command."""
QUOTED = re.compile(r"`(amity [^`]+)`")
"""An amity command as a message quotes it, in backticks."""


def pasted(line: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run ``line`` as a user who pasted it into bash in ``folder``, amity on the PATH."""
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "-c", line], cwd=folder, env=environment, capture_output=True, text=True
    )
