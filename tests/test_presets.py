"""Every preset is a valid request that trains, says what it shows, and is what its title says."""

import pytest

from webapp.presentation.notation import number
from webapp.request.presets import PRESETS
from webapp.request.resolve import resolve
from webapp.service import run


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_resolves_and_trains(name):
    preset = PRESETS[name]
    assert preset["title"] and preset["description"].endswith(".")
    data = run(resolve({"preset": name}))
    assert len(data["epochs"]) >= 1
    assert data["config"]["layers"] == preset["request"].get("layers", [1, 1, 1])


def test_the_presets_show_what_they_promise():
    assert run(resolve({"preset": "diverging"}))["status"] == "diverged"
    assert run(resolve({"preset": "dead_relu"}))["status"] == "dead"
    xor = run(resolve({"preset": "xor"}))
    assert xor["status"] == "ok" and xor["epochs"][-1]["cost"] < xor["epochs"][0]["cost"] / 2
    worksheet = run(resolve({"preset": "worksheet"}))
    assert worksheet["epochs"][0]["cost"] == pytest.approx(0.32)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_a_preset_that_starts_with_a_dead_relu_says_so(name):
    """Its description names the dead neuron, and its input, as the first epoch has them."""
    data = run(resolve({"preset": name}))
    first, described = data["epochs"][0], PRESETS[name]["description"]
    first = first["steps"][0] if "steps" in first else first  # mini-batches: the first step
    label = {node["id"]: node["label"] for node in data["graph"]["nodes"]}
    for a in first["dead"]:
        z = "z" + a[1:]
        assert f"{label[a]}, starts dead" in described and f"{label[z]} = " in described, (name, a)
        assert f"= {number(first['values'][z][0])} ≤ 0" in described, (name, first["values"][z])
    if not first["dead"]:
        assert "starts dead" not in described


def test_the_dead_relu_preset_is_what_it_says():
    """w₁ goes negative, a₁ dies (z₁ < 0), ŷ gets nothing from it (z₂ = 0), the cost sticks at (2 − 0)²/2 = 2."""
    data = run(resolve({"preset": "dead_relu"}))
    final = data["final"]["weights"][0][0][0]
    assert final < 0 and data["final_cost"] == 2.0
    assert "the ReLU at a₁ (z₁ at most −" in data["message"]
    assert "the ReLU at ŷ is not dead itself but gets nothing from the layer before" in data["message"]


def test_a_broken_preset_file_is_named(tmp_path, monkeypatch):
    """A teacher's preset file with a missing field or a stray one is refused with the file's name."""
    from webapp.request import presets

    monkeypatch.setattr(presets, "PRESET_FILES", tmp_path)
    (tmp_path / "mine.toml").write_text('order = 1\ntitle = "Mine"\ndescription = "No request."\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"mine\.toml.*request"):
        presets._load()
    (tmp_path / "mine.toml").write_text('order = 1\ntitle = "M"\ndescription = "D."\ncolour = 1\n[request]\n')
    with pytest.raises(ValueError, match=r"mine\.toml.*colour"):
        presets._load()
    (tmp_path / "mine.toml").write_text('order = 2\ntitle = "M"\ndescription = "D."\n[request]\nepochs = 3\n')
    (tmp_path / "first.toml").write_text('order = 1\ntitle = "F"\ndescription = "D."\n[request]\n')
    assert list(presets._load()) == ["first", "mine"]
