"""Writes requirements.lock: every package the container image installs, pinned with the hashes
of its files on PyPI, from pyproject.toml's runtime dependencies and build requirements.

Run after any change to those lists (tests/test_lock.py fails until then):

    .venv/bin/pip install -q -e '.[lock]' && .venv/bin/python tools/lock.py

pip-tools' `pip-compile` resolves the pins for Python 3.11 on Linux, the image's platform
(Dockerfile), and records the hashes of every file of each pinned release, for any CPU. Pins
already in the lock are kept while they satisfy pyproject (`--upgrade` in ARGS moves them).
The machine's own pip settings (local wheel folders, extra indexes) are ignored: the lock
names what PyPI serves. The first line records a digest of the dependency lists it was made
from, which the test compares with pyproject.toml.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
DIGEST_PREFIX = "# pyproject-dependencies-sha256: "
INDEX = "https://pypi.org/simple"


def locked_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    """What the lock must cover: the runtime dependencies, then the build requirements (the
    image builds the wheel from the same lock, without build isolation)."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return [*data["project"]["dependencies"], *data["build-system"]["requires"]]


def digest(requirements: list[str]) -> str:
    """Of the requirement strings, spaces removed and sorted: a reordering is no change."""
    canonical = "\n".join(sorted("".join(item.split()) for item in requirements))
    return hashlib.sha256(canonical.encode()).hexdigest()


def recorded_digest(lock: Path = LOCK) -> str | None:
    first = lock.read_text(encoding="utf-8").split("\n", 1)[0] if lock.exists() else ""
    return first.removeprefix(DIGEST_PREFIX) if first.startswith(DIGEST_PREFIX) else None


def main(args: list[str]) -> int:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # no machine-wide find-links, indexes or constraints
    command = [
        sys.executable,
        "-m",
        "piptools",
        "compile",
        "pyproject.toml",
        "--build-deps-for=wheel",
        "--generate-hashes",
        "--allow-unsafe",
        "--strip-extras",
        "--quiet",
        f"--index-url={INDEX}",
        "--output-file=requirements.lock",
        *args,
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        return done.returncode
    body = LOCK.read_text(encoding="utf-8")
    if body.startswith(DIGEST_PREFIX):
        body = body.split("\n", 1)[1]
    header = DIGEST_PREFIX + digest(locked_requirements()) + "\n"
    LOCK.write_text(header + body, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
