"""Shared test machinery: a local Telegram Bot API emulator (`botapi_emulator.emulator`).

Used by the end-to-end tests in `tests/` and the benchmarks in `bench/`; importable from the
repository root (pytest's rootdir, and the editable install's path). Not part of the wheel.
"""
