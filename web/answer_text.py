"""The answers of one questionnaire step as one Markdown block (KISA's review, the municipality's summary).

One block per step instead of a row of columns per question: a step with 40 answers was 120 elements, each
costing the server and the browser time on every rerun. Pure text, no Streamlit: each question's label in bold,
its answer below (one line per value), changed answers marked with the previous value.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from questionnaire.definition import Step
from questionnaire.display import answer_lines
from web.text import md

CHANGED = ":orange-badge[:material/change_circle: geändert]"


def step_markdown(step: Step, answers: Mapping[str, Any], gemeinde_names: Mapping[str, str], *,
                  changed: Collection[str] = (), previous: Mapping[str, Any] | None = None) -> str:
    """Return the step's questions and answers as Markdown (user text escaped).

    ``changed`` names the answers that differ from ``previous`` (the last submission): they get a badge and, below,
    the value before."""
    blocks = []
    for question in step.questions:
        key = question.key
        text = "  \n".join(md(line) for line in answer_lines(question, answers.get(key), gemeinde_names))
        if key in changed and previous is not None:
            before = "; ".join(answer_lines(question, previous.get(key), gemeinde_names))
            text = f"{CHANGED} {text}  \n:gray[vorher: {md(before)}]"
        blocks.append(f"**{md(question.label)}**  \n{text}")
    return "\n\n".join(blocks)
