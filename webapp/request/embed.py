"""What an `/embed` URL asks for beyond the run itself: which panels, which controls, which theme, and a lock.

The run's own query (network, data, weights, and whatever else the main page keeps in its URL) is
passed through untouched; only these four keys belong to the embed. A bad value is reported by its
field and replaced by the default, so a mistyped course page still shows the visualizer.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

PANELS = ("graph", "tables", "chart", "settings")
DEFAULT_VIEW = ("graph",)
# Every control of the page, by the name a course page shows or hides it by, in the page's order, with
# what it is where the name does not say (the Embed dialog lists them). The template marks each.
CONTROLS = {
    "forward": "", "backward": "", "update": "", "start": "the jump to the start of a phase", "back": "", "step": "",
    "end": "the jump to its end", "play": "", "reset": "", "speed": "", "text": "Larger text",
    "scrubber": "Epoch shown", "train": "", "sample": "Sample shown", "scale": "the chart's Log scale",
}  # fmt: skip
THEMES = ("auto", "light", "dark")
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("", "0", "false", "no", "off")
EMBED_KEYS = ("view", "controls", "theme", "lock")
# Far longer than any real value (every name listed once), short enough that nothing big is split.
MAX_CHARS = 200


@dataclass(frozen=True)
class EmbedOptions:
    view: tuple[str, ...] = DEFAULT_VIEW
    hidden_controls: frozenset[str] = field(default_factory=frozenset)
    theme: str = "auto"
    locked: bool = False

    @property
    def hidden_panels(self) -> tuple[str, ...]:
        """Panels left out; the graph's panel stays (without its drawing) while it holds the only controls."""
        shown = set(self.view) | ({"graph"} if {"tables", "chart"} & set(self.view) else set())
        return tuple(p for p in PANELS if p not in shown)

    @property
    def controls_only(self) -> bool:
        """Whether the graph's panel shows its controls without the graph itself."""
        return "graph" not in self.view and "graph" not in self.hidden_panels


def _names(text: str) -> list[str]:
    return [name.strip().lower() for name in text.split(",") if name.strip()]


def _first(query: Mapping[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0].strip() if values else None


def _view(text: str) -> tuple[tuple[str, ...], str | None]:
    names = _names(text)
    unknown = [n for n in names if n not in PANELS]
    if unknown or not names:
        what = f"unknown panel {unknown[0]!r}" if unknown else "no panel named"
        return DEFAULT_VIEW, f"{what}: list any of {', '.join(PANELS)}, separated by commas"
    return tuple(p for p in PANELS if p in names), None


def _hidden_controls(text: str) -> tuple[frozenset[str], str | None]:
    names = _names(text)
    if names in (["all"], []):
        return frozenset(), None
    if names == ["none"]:
        return frozenset(CONTROLS), None
    hiding = [n.startswith("-") for n in names]
    bare = [n.removeprefix("-") for n in names]
    unknown = [n for n in bare if n not in CONTROLS]
    if unknown:
        return frozenset(), f"unknown control {unknown[0]!r}: the controls are {', '.join(CONTROLS)}"
    if all(hiding):
        return frozenset(bare), None
    if not any(hiding):
        return frozenset(c for c in CONTROLS if c not in bare), None
    return frozenset(), "either list the controls to show (forward,step) or those to hide (-train,-speed), not both"


def embed_options(query: Mapping[str, list[str]]) -> tuple[EmbedOptions, dict[str, str]]:
    """The embed's options from its query, and an error per field whose value was not understood."""
    errors: dict[str, str] = {}
    values = {key: _first(query, key) for key in EMBED_KEYS}
    for key, value in values.items():
        if value is not None and len(value) > MAX_CHARS:
            errors[key] = f"longer than {MAX_CHARS} characters"
            values[key] = None
    view, hidden, theme, locked = DEFAULT_VIEW, frozenset(), "auto", False
    if values["view"] is not None:
        view, error = _view(values["view"])
        if error:
            errors["view"] = error
    if values["controls"] is not None:
        hidden, error = _hidden_controls(values["controls"])
        if error:
            errors["controls"] = error
    if values["theme"] is not None:
        theme = values["theme"].lower() or "auto"
        if theme not in THEMES:
            errors["theme"] = f"unknown theme {values['theme']!r}: use {', '.join(THEMES)}"
            theme = "auto"
    if values["lock"] is not None:
        word = values["lock"].lower()
        if word in TRUE_WORDS:
            locked = True
        elif word not in FALSE_WORDS:
            errors["lock"] = (
                f"write lock=1 to make the settings read-only, lock=0 (or leave it out) otherwise, not {values['lock']!r}"
            )
    return EmbedOptions(view, hidden, theme, locked), errors


def embed_query(query: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    """The embed's own keys as they were given, to carry them through a settings change."""
    return [(key, query[key][0]) for key in EMBED_KEYS if query.get(key)]
