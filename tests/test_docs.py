"""The documentation names what is there: every module in the architecture page, every page the
README links to, and the README short enough to read in two minutes."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def _modules() -> list[str]:
    files = [*ROOT.glob("webapp/**/*.py"), *ROOT.glob("static/**/*.js"), *ROOT.glob("static/**/*.css")]
    return sorted(str(f.relative_to(ROOT)) for f in files if f.name != "__init__.py" and "vendor" not in f.parts)


def test_architecture_names_every_module():
    # A module is named by its file name in the paragraph of its folder: `view.js`, `graph.py`.
    missing = [m for m in _modules() if f"`{Path(m).name}`" not in ARCHITECTURE and f"`{m}`" not in ARCHITECTURE]
    assert not missing, f"docs/architecture.md does not describe: {missing}"


def test_architecture_names_no_module_that_is_gone():
    named = set(re.findall(r"`([\w.-][\w/.-]*\.(?:py|js|css))`", ARCHITECTURE))
    existing = {Path(m).name for m in _modules()} | set(_modules()) | {"gunicorn.conf.py", "embed.js"}
    existing |= {str(f.relative_to(ROOT)) for f in ROOT.glob("tests/**/*.py")} | {"reference.py", "equations.py"}
    gone = sorted(n for n in named if n not in existing and not (ROOT / n).exists())
    assert not gone, f"docs/architecture.md names files that do not exist: {gone}"


def test_readme_is_short_and_keeps_the_two_commands():
    assert len(README.splitlines()) <= 160
    commands = re.findall(r"^bash scripts/\S+", README, flags=re.M)
    assert commands == ["bash scripts/serve.sh", "bash scripts/test.sh"]


def test_every_linked_page_exists():
    links = re.findall(r"\]\(((?:docs/)?[\w./-]+\.md)\)", README)
    assert links, "the README links to its documentation"
    for link in links:
        assert (ROOT / link).is_file(), link
    for page in (ROOT / "docs").glob("*.md"):
        assert f"({page.relative_to(ROOT)})" in README, f"README does not link to {page.name}"
