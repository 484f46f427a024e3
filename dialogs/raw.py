"""Text already formatted (and escaped) by the renderer: inserted into a template as it is.

Its own module so that the renderer (`dialogs/render.py`) and the card's lines it calls
(`dialogs/card_today.py`) share the marker without importing each other.
"""

from __future__ import annotations


class Raw(str):
    """Formatted text, not a value to format again."""
