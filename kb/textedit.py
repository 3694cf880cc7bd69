"""Edits with an offset map: how normalised text relates to the raw text.

Every normalisation stage describes its work as a list of non-overlapping
:class:`Edit` records on its input.  Applying them gives the stage's output;
keeping them (an :class:`EditLog`) lets any span of the final text be mapped
back to the raw text, and any span found in an intermediate text be mapped
forward to the final text.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Edit:
    """Replace ``input[start:end]`` by ``new``."""

    start: int
    end: int
    new: str
    reason: str


@dataclass(frozen=True)
class Stage:
    """One normalisation stage: its name and the edits it made on its input."""

    name: str
    edits: tuple[Edit, ...]
    # Start offsets of each edit in the input and in the output, for bisection.
    in_starts: tuple[int, ...]
    out_starts: tuple[int, ...]

    @classmethod
    def of(cls, name: str, edits: Sequence[Edit]) -> "Stage":
        out_starts = []
        delta = 0
        for e in edits:
            out_starts.append(e.start + delta)
            delta += len(e.new) - (e.end - e.start)
        return cls(name, tuple(edits), tuple(e.start for e in edits), tuple(out_starts))

    def to_input(self, pos: int, side: str = "start") -> int:
        """Map an output offset to the input offset it came from.

        A span that touches replaced text widens to cover the whole original;
        a span that starts or ends at a deletion does not take in the deleted text.
        """
        if side == "end":
            # several edits can start at one output offset (adjacent deletions): take the first
            i = bisect.bisect_left(self.out_starts, pos)
            if i < len(self.edits) and self.out_starts[i] == pos:
                return self.edits[i].start
            i -= 1
        else:
            i = bisect.bisect_right(self.out_starts, pos) - 1
        if i < 0:
            return pos
        e, o = self.edits[i], self.out_starts[i]
        o_end = o + len(e.new)
        if pos == o:
            return e.start if (side == "end" or e.new) else e.end
        if pos < o_end:
            return e.start if side == "start" else e.end
        return e.end + (pos - o_end)

    def to_output(self, pos: int, side: str = "start") -> int:
        """Map an input offset to the output offset it ended up at."""
        i = bisect.bisect_right(self.in_starts, pos) - 1
        if i < 0:
            return pos
        e, o = self.edits[i], self.out_starts[i]
        if pos == e.start:
            return o
        if pos < e.end:
            return o if side == "start" else o + len(e.new)
        return o + len(e.new) + (pos - e.end)


def coalesce(edits: Iterable[Edit]) -> list[Edit]:
    """Sort edits and merge the ones that touch, so logs stay small."""
    out: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start == e.end and not e.new:
            continue  # a no-op
        if out and e.start < out[-1].end:
            raise ValueError(f"overlapping edits at {e.start}")
        if out and e.start == out[-1].end and e.reason == out[-1].reason:
            p = out[-1]
            out[-1] = Edit(p.start, e.end, p.new + e.new, p.reason)
        else:
            out.append(e)
    return out


def apply(text: str, edits: Sequence[Edit]) -> str:
    """Apply sorted, non-overlapping edits to ``text``."""
    if not edits:
        return text
    parts = []
    pos = 0
    for e in edits:
        parts.append(text[pos : e.start])
        parts.append(e.new)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


class EditLog:
    """The ordered stages that turned the raw text into the normalised text."""

    def __init__(self, stages: Sequence[Stage] = ()):
        self.stages: list[Stage] = list(stages)

    def run(self, text: str, name: str, edits: Iterable[Edit]) -> str:
        """Record a stage and return its output."""
        merged = coalesce(edits)
        if merged:
            self.stages.append(Stage.of(name, merged))
        return apply(text, merged)

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span back to the raw text."""
        for st in reversed(self.stages):
            start, end = st.to_input(start, "start"), st.to_input(end, "end")
        return start, max(start, end)

    def mark(self) -> int:
        """A bookmark for :meth:`forward`: the number of stages recorded so far."""
        return len(self.stages)

    def forward(self, start: int, end: int, since: int) -> tuple[int, int]:
        """Map a span of the text as it was at bookmark ``since`` to the final text."""
        for st in self.stages[since:]:
            start, end = st.to_output(start, "start"), st.to_output(end, "end")
        return start, max(start, end)

    def chars_changed(self, name: str) -> int:
        """How many input characters a stage replaced or removed."""
        return sum(e.end - e.start for st in self.stages if st.name == name for e in st.edits)

    def count(self, name: str, reason: str | None = None) -> int:
        return sum(
            1 for st in self.stages if st.name == name for e in st.edits if reason is None or e.reason == reason
        )

    def to_json(self) -> list:
        return [
            {"stage": st.name, "edits": [[e.start, e.end, e.new, e.reason] for e in st.edits]}
            for st in self.stages
        ]

    @classmethod
    def from_json(cls, data: list) -> "EditLog":
        return cls(
            [Stage.of(s["stage"], [Edit(a, b, n, r) for a, b, n, r in s["edits"]]) for s in data]
        )
