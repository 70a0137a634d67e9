"""TeX to MathML on the server: Chromium renders MathML natively, no JS math library needed."""

from functools import lru_cache

from latex2mathml.converter import convert
from markupsafe import Markup


@lru_cache(maxsize=4096)
def mathml(tex: str) -> Markup:
    return Markup(convert(tex))
