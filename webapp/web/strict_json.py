"""JSON output that can never hold NaN or Infinity: such a value is a bug and fails loudly."""

import json

from flask.json.provider import DefaultJSONProvider


def dumps(obj) -> str:
    """`obj` as compact JSON, as the API sends it (also where no app is at hand: a heavy run's process)."""
    return json.dumps(obj, allow_nan=False, ensure_ascii=False, separators=(",", ":"))


def encoded(function, *args) -> str:
    """function(*args) as JSON: a heavy run's process hands back text, not objects to pickle again."""
    return dumps(function(*args))


class StrictJSONProvider(DefaultJSONProvider):
    sort_keys = False
    ensure_ascii = False

    def dumps(self, obj, **kwargs):
        kwargs["allow_nan"] = False
        kwargs.setdefault("separators", (",", ":"))  # compact in a page (tojson) as in a response
        return super().dumps(obj, **kwargs)
