"""Exports: every epoch as CSV equals the API's own numbers; one epoch's tables as LaTeX with its numbers."""

import csv
import io
import re

import pytest

TEX_NUMBER = re.compile(r"^\$(-?\d+(?:\.\d+)?)(?: \\times 10\^\{(-?\d+)\})?\$ \\\\$")
GRADIENT_ROW = re.compile(r"^\$\\frac\{\\partial J\}\{\\partial (.+?)\} = .*\$ & (.*)$")


def tex_value(cell: str) -> float:
    """A table cell's number, read the way LaTeX would print it: a decimal, or mantissa \\times 10^{n}."""
    match = TEX_NUMBER.match(cell)
    assert match, cell
    mantissa, power = match.groups()
    return float(mantissa) * 10 ** int(power or 0)


def test_the_csv_has_every_epochs_cost_parameters_and_gradients(client):
    body = {"preset": "two_hidden", "epochs": 12}
    response = client.post("/api/export", json={**body, "format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    run = client.post("/api/train", json={**body, "detail_epochs": list(range(1, 13))}).get_json()
    assert [int(r["epoch"]) for r in rows] == list(range(1, 13))
    for row, epoch in zip(rows, run["epochs"], strict=True):
        assert float(row["J"]) == epoch["cost"]
        for pid in run["history"]["params"]:
            assert float(row[pid]) == epoch["values"][pid]
            assert float(row[f"dJ/d{pid}"]) == epoch["grads"][pid]


def test_the_latex_tables_carry_the_epochs_numbers(client):
    response = client.post("/api/export", json={"epochs": 2, "epoch": 2, "format": "latex"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert text.count(r"\begin{tabular}") == text.count(r"\end{tabular}") == 4
    assert "$0.0040572032$" in text and "$2.076$" in text and "$0.71686208$" in text
    assert text.count("{") == text.count("}")


def test_the_latex_export_has_every_gradient_and_writes_powers_of_ten_as_latex(client):
    """Far into the worksheet's run J is about 10⁻²⁵: LaTeX gets 3.0077908 \\times 10^{-25}, not 3.0077908e-25."""
    text = client.post("/api/export", json={"epochs": 20, "epoch": 20, "format": "latex"}).get_data(as_text=True)
    run = client.post("/api/train", json={"epochs": 20, "detail_epochs": [20]}).get_json()
    epoch = next(e for e in run["epochs"] if e["epoch"] == 20)
    assert "e-" not in text and "e+" not in text
    assert r"\times 10^{" in text
    labels = {n["tex"]: n["id"] for n in client.post("/api/train", json={"epochs": 1}).get_json()["graph"]["nodes"]}
    grads = {}
    for line in text.splitlines():
        if match := GRADIENT_ROW.match(line):
            grads[labels[match.group(1)]] = tex_value(match.group(2))
    assert {"w1", "w2"} <= grads.keys()
    for node, value in grads.items():
        expected = epoch["grads"][node]  # a node's gradient per sample; the tables are sample 1's
        expected = expected[0] if isinstance(expected, list) else expected
        assert value == pytest.approx(expected, rel=1e-9, abs=0), node
    j_row = next(line for line in text.splitlines() if line.startswith("$J ="))
    assert tex_value(j_row.split(" & ")[1]) == pytest.approx(epoch["cost"], rel=1e-9)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"format": "pdf"}, "format"),
        ({"format": "latex", "epoch": 3}, "epoch"),
        ({"format": "csv", "layers": [16] * 6, "x": [[0.1] * 16], "y": [[0.1] * 16], "epochs": 1000}, "epochs"),
        ({"format": "csv", "epochs": 0}, "epochs"),
    ],
)
def test_what_cannot_be_exported_is_refused_naming_its_field(client, body, field):
    response = client.post("/api/export", json=body)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == field
