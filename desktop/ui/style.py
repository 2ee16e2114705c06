"""The app's look: a quiet palette-aware stylesheet for the navigation, page headers and status indicators."""

from __future__ import annotations

ACCENT = "#2f6fed"

HEALTH_COLOURS = {
    "unknown": "#9aa0a6",
    "connecting": "#f2a900",
    "ok": "#1e9e5a",
    "warning": "#f2a900",
    "error": "#d93025",
}

STYLESHEET = f"""
QListWidget#navigation {{
    border: none;
    outline: 0;
    padding: 8px 6px;
    font-size: 14px;
    background: palette(alternate-base);
}}
QListWidget#navigation::item {{
    padding: 9px 12px;
    border-radius: 6px;
    margin: 1px 0;
}}
QListWidget#navigation::item:selected {{
    background: {ACCENT};
    color: white;
}}
QLabel#pageTitle {{
    font-size: 22px;
    font-weight: 600;
}}
QLabel#pageSubtitle {{
    color: palette(placeholder-text);
    font-size: 13px;
}}
QLabel#notice {{
    padding: 10px 12px;
    border-radius: 6px;
    background: palette(alternate-base);
}}
"""
