"""Named starting points; a request names one as `preset` and overrides it field by field.

Each preset is a file a teacher can read and write, `webapp/presets/<name>.toml`: its `title`, a
`description` (one or more sentences), an `order` in the settings form's list, and a `[request]` table
with the fields of a training request (`docs/api.md`). Every preset's request is resolved and trained
by the tests.
"""

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PRESET_FILES = Path(__file__).resolve().parent.parent / "presets"
NAME = r"[a-z0-9][a-z0-9_]{0,63}"
DEFAULT_PRESET = "worksheet"


class Preset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    order: int
    title: str = Field(min_length=1, max_length=80)
    description: str = Field(pattern=r"\.$", max_length=600)
    request: dict[str, Any]


def _load() -> dict[str, dict]:
    presets = {}
    for path in PRESET_FILES.glob("*.toml"):
        if not re.fullmatch(NAME, path.stem):
            raise ValueError(f"{path.name}: a preset's file name is lower-case letters, digits and _")
        try:
            presets[path.stem] = Preset.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path.name}: not valid TOML: {exc}") from None
        except ValidationError as exc:
            errors = (f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise ValueError(f"{path.name}: {'; '.join(errors)}") from None
    ordered = sorted(presets.items(), key=lambda item: (item[1].order, item[0]))
    return {name: preset.model_dump(exclude={"order"}) for name, preset in ordered}


PRESETS: dict[str, dict] = _load()
