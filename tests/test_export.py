"""Exports: every epoch as CSV equals the API's own numbers; one epoch's tables as LaTeX with its numbers."""

import csv
import io

import pytest


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
    assert text.count(r"\begin{tabular}") == text.count(r"\end{tabular}") == 3
    assert "$0.0040572032$" in text and "$2.076$" in text and "$0.71686208$" in text
    assert text.count("{") == text.count("}")


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
