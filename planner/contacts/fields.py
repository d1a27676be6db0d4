"""Parsing of what people type into contact fields: lists, topics."""

import re


def split_lines(text: str | None) -> list[str]:
    """Non-empty, stripped lines, each once, in order."""
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


def split_topics(text: str | None) -> list[str]:
    """Topics typed as 'Barcamps, Employer Branding; HR' -> their names, each once."""
    parts = re.split(r"[,;\n]", text or "")
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))
