"""The cost-per-epoch chart, built with plotly: a cost panel above a weights panel, sharing epochs.

The figure is a skeleton (layout and the cost trace); the page fills in the points as training
runs and adds one weights trace per parameter from `weight_trace`.
"""

from functools import cache

import plotly.graph_objects as go
from plotly.subplots import make_subplots


@cache
def figure_json() -> str:
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.6, 0.4],
        vertical_spacing=0.1,
        subplot_titles=("Cost J per epoch", "Weights at the start of each epoch (the ones its J is computed with)"),
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="lines+markers",
            name="cost J",
            line={"width": 2},  # coloured --value by the page, in the theme shown
            marker={"size": 7},
            # The cost itself, not the plotted y: on a log scale a cost of 0 is plotted above 0 and says so.
            hovertemplate="epoch %{x}<br>J = %{customdata[0]}%{customdata[1]}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.update_layout(
        margin={"l": 64, "r": 16, "t": 36, "b": 96},
        height=460,
        hovermode="closest",
        clickmode="event",
        showlegend=True,
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": "system-ui, sans-serif", "size": 13},
        uirevision="keep",
        template="none",
    )
    fig.update_xaxes(showgrid=True, zeroline=False, showline=True, ticks="outside")
    fig.update_yaxes(showgrid=True, zeroline=False, showline=True, ticks="outside")
    # automargin: a log scale's tick labels (10⁻²⁴) are wider than the fixed margin, and would run into "J".
    fig.update_yaxes(title_text="J", row=1, col=1, exponentformat="power", automargin=True)
    fig.update_yaxes(title_text="value", row=2, col=1)
    fig.update_xaxes(title_text="epoch", row=2, col=1)
    return fig.to_json()


def weight_trace_template() -> dict:
    """How each parameter's trace looks; the page sets its name, points and colour (app.css's --series)."""
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "marker": {"size": 5},
        "line": {"width": 1.5},
        "xaxis": "x2",
        "yaxis": "y2",
        "hovertemplate": "start of epoch %{x}<br>%{fullData.name} = %{customdata[0]}<extra></extra>",
    }
