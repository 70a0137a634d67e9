"""JSON output that can never hold NaN or Infinity: such a value is a bug and fails loudly."""

import json
import re

from flask.json.provider import DefaultJSONProvider

# A lone surrogate (JSON's "\ud800" read back into a key or a value, and echoed in an error) cannot be
# written as UTF-8: it goes out as the very escape it came in as, which is still valid JSON.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogates(text: str) -> str:
    return LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def dumps(obj) -> str:
    """`obj` as compact JSON, as the API sends it (also where no app is at hand: a heavy run's process)."""
    return _escape_surrogates(json.dumps(obj, allow_nan=False, ensure_ascii=False, separators=(",", ":")))


def encoded(function, *args) -> str:
    """function(*args) as JSON: a heavy run's process hands back text, not objects to pickle again."""
    return dumps(function(*args))


class StrictJSONProvider(DefaultJSONProvider):
    sort_keys = False
    ensure_ascii = False

    def dumps(self, obj, **kwargs):
        kwargs["allow_nan"] = False
        kwargs.setdefault("separators", (",", ":"))  # compact in a page (tojson) as in a response
        return _escape_surrogates(super().dumps(obj, **kwargs))
