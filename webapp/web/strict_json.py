"""JSON output that can never hold NaN or Infinity: such a value is a bug and fails loudly."""

from flask.json.provider import DefaultJSONProvider


class StrictJSONProvider(DefaultJSONProvider):
    sort_keys = False
    ensure_ascii = False

    def dumps(self, obj, **kwargs):
        kwargs["allow_nan"] = False
        return super().dumps(obj, **kwargs)
