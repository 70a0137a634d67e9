"""A run as files to take away: every epoch as CSV, and the worksheet's tables of one epoch as LaTeX."""

import csv
import io
import math

from webapp.engine.training import Run
from webapp.presentation.notation import number_tex
from webapp.presentation.report import epoch_details
from webapp.presentation.tables import tables
from webapp.presentation.updates import update_rows
from webapp.request.resolve import Resolved


def _number(value: float | None) -> str:
    return "" if value is None or not math.isfinite(value) else repr(value)


def run_csv(resolved: Resolved, run: Run) -> str:
    """One row per epoch: its cost, each parameter at its start, and each parameter's gradient."""
    params = resolved.graph.params
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["epoch", "J", *params, *(f"dJ/d{p}" for p in params)])
    for epoch, (cost, theta, grad) in enumerate(
        zip(run.costs.tolist(), run.every_theta.tolist(), run.every_grad.tolist(), strict=True), start=run.first_epoch
    ):
        writer.writerow([epoch, _number(cost), *map(_number, theta), *map(_number, grad)])
    return out.getvalue()


def _tex_number(value) -> str:
    if isinstance(value, list):
        value = value[0]
    return number_tex(value)


def tables_latex(resolved: Resolved, run: Run, epoch: int) -> str:
    """The forward pass, the local derivatives, the gradients and the update of one epoch (its first
    sample), as LaTeX tabulars ready to paste into a document."""
    detail = epoch_details(resolved.graph, run, [epoch], [0], own_batch=True)[epoch]
    rows = tables(resolved.graph)
    sample = detail["detail_samples"][0] + 1 if "samples" in detail else 1
    if run.optimizer.name != "sgd":  # momentum's or Adam's equations, the new θ beside the last
        rows["updates"] = [
            {**r, "tex": r",\ ".join(r["lines"])}
            for r in update_rows(resolved.graph, run.optimizer, len(rows["updates"]))
        ]
    lines = [
        f"% Backprop Visualizer: epoch {epoch}"
        + (
            f", its first step (samples {', '.join(str(i + 1) for i in detail['samples'])})"
            if "samples" in detail
            else ""
        )
        + f", sample {sample}, learning rate {number_tex(resolved.request.learning_rate)}",
        r"% needs \usepackage{amsmath,mathtools} (\coloneqq, cases)",
    ]

    def tabular(title: str, header: str, body: list[str]) -> None:
        lines.extend([f"% {title}", r"\begin{tabular}{ll}", rf"{header} \\ \hline", *body, r"\end{tabular}", ""])

    tabular(
        "Forward pass",
        r"Function & Value",
        [rf"${r['tex']}$ & ${_tex_number(detail['values'][r['node']])}$ \\" for r in rows["forward"]],
    )
    tabular(
        "Local derivatives",
        r"Derivative & Value",
        [rf"${r['derivative']}$ & ${_tex_number(detail['local'][r['edge']])}$ \\" for r in rows["local"]],
    )
    tabular(
        "Gradients",
        r"Gradient & Value",
        [rf"${r['tex']}$ & ${_tex_number(detail['grads'][r['node']])}$ \\" for r in rows["accumulation"]],
    )
    tabular(
        "Update",
        r"Update & Value",
        [rf"${r['tex']}$ & ${_tex_number(detail['after'][r['param']])}$ \\" for r in rows["updates"]],
    )
    return "\n".join(lines)
