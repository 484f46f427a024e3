"""Entry point placeholder until the command-line module lands."""


def main() -> None:
    raise SystemExit("not yet")
