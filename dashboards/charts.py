"""Plotly figures with one look: compact, legend on top, readable axis titles, hover over the whole day."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

HEIGHT = 320


def _style(fig: go.Figure, *, y_title: str, x_title: str = "", height: int = HEIGHT) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        xaxis_title=x_title,
        yaxis_title=y_title,
        hovermode="x unified",
    )
    return fig


def daily_bars(frame: pd.DataFrame, columns: dict[str, str], y_title: str) -> go.Figure:
    """Grouped daily bars of several count columns (e.g. opened vs solved), renamed for the legend."""
    long = frame.melt(id_vars="date_day", value_vars=list(columns), var_name="metric", value_name="value")
    long["metric"] = long["metric"].map(columns)
    fig = px.bar(long, x="date_day", y="value", color="metric", barmode="group")
    return _style(fig, y_title=y_title)


def daily_lines(
    frame: pd.DataFrame,
    columns: dict[str, str],
    y_title: str,
    *,
    color: str | None = None,
    percent: bool = False,
    log: bool = False,
) -> go.Figure:
    """Daily lines of one or more columns; with `color`, one line per value of it (e.g. per source)."""
    long = frame.melt(
        id_vars=["date_day", *([color] if color else [])],
        value_vars=list(columns),
        var_name="metric",
        value_name="value",
    )
    long["metric"] = long["metric"].map(columns)
    if color and long[color].nunique() > 1:
        long["series"] = long["metric"] + " · " + long[color]
    else:
        long["series"] = long["metric"]
    fig = px.line(long, x="date_day", y="value", color="series", markers=len(frame) < 40)
    fig.update_traces(connectgaps=False)
    if percent:
        fig.update_yaxes(range=[0, 105], ticksuffix="%")
    if log:  # durations are long-tailed: one slow day must not flatten every other day to the axis
        fig.update_yaxes(type="log", dtick=1)  # one label per decade
    return _style(fig, y_title=y_title)


def hbar(frame: pd.DataFrame, x: str, y: str, *, x_title: str, hover: list[str] | None = None) -> go.Figure:
    """Horizontal ranking bars, largest on top, long labels left of the bars."""
    fig = px.bar(frame, x=x, y=y, orientation="h", hover_data=hover)
    fig.update_yaxes(autorange="reversed", title=None)
    height = max(HEIGHT, 28 * len(frame) + 80)
    fig = _style(fig, y_title="", x_title=x_title, height=height)
    fig.update_layout(hovermode="closest")
    return fig


def bars(frame: pd.DataFrame, x: str, y: str, *, x_title: str, y_title: str, color: str | None = None) -> go.Figure:
    fig = px.bar(frame, x=x, y=y, color=color)
    fig.update_xaxes(type="category")
    fig = _style(fig, y_title=y_title, x_title=x_title)
    fig.update_layout(hovermode="closest")
    return fig


def funnel(frame: pd.DataFrame, stage: str, value: str) -> go.Figure:
    fig = go.Figure(go.Funnel(y=frame[stage], x=frame[value], textinfo="value+percent total"))
    return _style(fig, y_title="")
