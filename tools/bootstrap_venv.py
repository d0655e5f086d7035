"""Create the project's virtual environment with a working pip.

Debian's python3 ships without ensurepip unless python3-venv is installed, so
`python3 -m venv` alone fails on a fresh machine. In that case the environment is
created without pip and pip is installed from its wheel on PyPI, checked against
the digest PyPI publishes. Only the standard library is used.
"""

import hashlib
import json
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import venv
from pathlib import Path

PYPI = "https://pypi.org/pypi/pip/json"


def has_pip(python: Path) -> bool:
    return subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode == 0


def install_pip_from_pypi(python: Path) -> None:
    with urllib.request.urlopen(PYPI, timeout=60) as response:
        release = json.load(response)
        base = response.geturl()
    wheel = next(
        f
        for f in release["urls"]
        if f["packagetype"] == "bdist_wheel" and f["filename"].endswith(".whl")
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / wheel["filename"]
        # Mirrors may publish links relative to the JSON document.
        url = urllib.parse.urljoin(base, wheel["url"])
        with urllib.request.urlopen(url, timeout=120) as response:
            path.write_bytes(response.read())
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != wheel["digests"]["sha256"]:
            sys.exit(f"bootstrap: {wheel['filename']} does not match the digest PyPI publishes")
        # A pip wheel can run itself: python pip.whl/pip install pip.whl
        subprocess.run([python, f"{path}/pip", "install", "--quiet", str(path)], check=True)


def main(target: str) -> None:
    root = Path(target)
    python = root / "bin" / "python"
    if python.exists() and has_pip(python):
        return
    try:
        venv.create(root, with_pip=True, clear=True)
    except (subprocess.CalledProcessError, OSError, SystemExit):
        print("bootstrap: ensurepip is not available; installing pip from PyPI", file=sys.stderr)
        venv.create(root, with_pip=False, clear=True)
    if not has_pip(python):
        install_pip_from_pypi(python)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".venv")
