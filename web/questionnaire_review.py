"""The review of a questionnaire: every answer by step, every problem with a link to its step (UI only)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from questionnaire.checks import Problem
from questionnaire.definition import STEP_TITLES, Step
from questionnaire.drafts import QuestionnaireView
from web.answer_text import step_markdown
from web.text import md


def show_problems(found: tuple[Problem, ...] | list[Problem], *, go_to: Callable[[str], None] | None) -> None:
    """List what stops the submission, each with a button to its step."""
    if not found:
        st.success("Alle Pflichtangaben sind vollständig und gültig. Sie können den Fragebogen einreichen.",
                   icon=":material/task_alt:")
        return
    st.error(f"Noch {len(found)} offene Punkte. Bitte ergänzen Sie diese, bevor Sie einreichen.", icon=":material/error:")
    for number, problem in enumerate(found):
        text_col, button_col = st.columns([5, 2])
        text_col.markdown(f"**{md(STEP_TITLES.get(problem.step, problem.step))}:** {md(problem.label)} – "
                          f"{md(problem.message)}")
        if go_to is not None:
            button_col.button("Zum Schritt", key=f"rv_go_{number}_{problem.key}", icon=":material/arrow_forward:",
                              on_click=go_to, args=(problem.step,))


def show_answers(view: QuestionnaireView, gemeinde_names: Mapping[str, str], *,
                 go_to: Callable[[str], None] | None = None) -> None:
    """Show all answers, step by step, as a read-only list."""
    for step in view.steps:
        _show_step(step, view, gemeinde_names, go_to)


def _show_step(step: Step, view: QuestionnaireView, gemeinde_names: Mapping[str, str],
               go_to: Callable[[str], None] | None) -> None:
    with st.container(border=True):
        title_col, button_col = st.columns([5, 2])
        title_col.markdown(f"### {md(step.title)}")
        if go_to is not None:
            button_col.button("Bearbeiten", key=f"rv_edit_{step.key}", icon=":material/edit:", on_click=go_to,
                              args=(step.key,))
        st.markdown(step_markdown(step, view.answers, gemeinde_names))
