"""The author's trace as text: one line per decision the story made (`crisis run --trace`, `crisis test -v`).

The engine records the entries as plain data (engine/trace.py); this is the one place that words
them. Every author-written or trainee-typed text goes through the terminal sanitiser.
"""

from __future__ import annotations

from simulator.format.textsafe import terminal


def _q(text, n: int = 60) -> str:
    text = " ".join(terminal(str(text)).split())
    return f"\u201c{text[: n - 1]}\u2026\u201d" if len(text) > n else f"\u201c{text}\u201d"


def _t(t: float) -> str:
    return f"T+{t:.0f}m" if abs(t - round(t)) < 0.05 else f"T+{t:.1f}m"


def _value(v) -> str:
    return terminal(repr(v)) if isinstance(v, str) else terminal(str(v))


def describe(entry: dict) -> list[str]:
    """The lines for one trace entry (its JSON form); the first names what happened."""
    kind = entry["kind"]
    if kind == "beat":
        how = entry.get("how", "")
        by = entry.get("by", "")
        if how == "goto":
            why = f"goto from choice {by}" if by else "goto"
        elif how == "storylet":
            why = f"storylet, {by}" if by else "storylet"
        elif how == "return":
            why = f"resumed after the storylet {by} returned"
        else:
            why = how
        return [f"entered {entry['beat']} ({terminal(why)})"]
    if kind == "replaced":
        tunnel = "; it returns here when done" if entry.get("returns") else ""
        return [f"{entry['beat']} replaced by the storylet {entry['by']} (when: {terminal(entry.get('when', ''))}){tunnel}"]
    if kind == "held":
        return [f"storylet {entry['beat']} (priority {entry['priority']}) waits: {entry['current']} has priority "
                f"{entry['current_priority']}" + (" and returns" if entry['priority'] == entry['current_priority'] else "")]
    if kind == "inject":
        return [f"inject {entry['id']} fired" + (f" ({terminal(entry['why'])})" if entry.get("why") else "")]
    if kind == "spillover":
        return [f"spillover {entry['id']} appeared on {entry.get('platform', '')} as {entry.get('item', '')}: {_q(entry.get('text', ''))}"]
    if kind == "line":
        who = entry.get("who", "customer")
        return [f"{who} spoke (trigger {entry.get('trigger')}, mood {entry.get('mood')}): line {terminal(entry.get('line', ''))}"]
    if kind == "match":
        matched = entry.get("matched")
        head = f"free text {_q(entry.get('text', ''), 50)} -> " + (f"choice {matched}" if matched else "no suggested move")
        head += f"  [features: {', '.join(entry.get('features') or []) or 'none'}]"
        rows = [head]
        for c in entry.get("candidates") or []:
            scores = f" (shared: {', '.join(c['shared']) or 'none'}; features {c['jaccard']:.2f}, words {c['meaning']:.2f})" if "jaccard" in c else ""
            rows.append(f"    {c['choice']}: {terminal(c['why'])}{scores}")
        return rows
    if kind == "promise":
        due = f" (due {_t(entry['due'])})" if "due" in entry else ""
        return [f"promise {entry.get('id')} {entry.get('status')}{due}: {_q(entry.get('text', ''))}"]
    if kind == "state":
        return [f"{entry['name']}: {_value(entry.get('before'))} -> {_value(entry.get('after'))} (by {terminal(entry.get('by', ''))})"]
    if kind == "choices":
        rows = [f"in {entry['beat']}: on offer {', '.join(entry.get('offered') or []) or 'nothing'}"]
        for cid, why in (entry.get("unavailable") or {}).items():
            rows.append(f"    {cid} unavailable: {terminal(why)}")
        return rows
    if kind == "blocked":
        return [f"offer of {entry.get('remedy')} refused: needs the approval of {', '.join(entry.get('requires') or [])}"]
    if kind == "brand_voice":
        tone = "hostile" if entry.get("hostile") else "not hostile"
        return [f"the brand's own account posted {entry.get('post')} (inject {entry.get('inject')}; {tone}; "
                f"features: {', '.join(entry.get('features') or []) or 'none'})"]
    return [f"{kind}: {terminal(str({k: v for k, v in entry.items() if k not in ('t', 'kind')}))}"]


def render(entries, indent: str = "") -> list[str]:
    """Every entry as lines: time, kind, what happened."""
    out: list[str] = []
    for entry in entries:
        data = entry if isinstance(entry, dict) else entry.to_json()
        first, *rest = describe(data)
        out.append(f"{indent}{_t(data['t']):<9} {data['kind']:<11} {first}")
        out.extend(f"{indent}{'':<21} {line.strip()}" if not line.startswith("    ") else f"{indent}{'':<21}{line}" for line in rest)
    return out
