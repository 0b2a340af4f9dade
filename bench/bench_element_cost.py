"""What one rerun costs the browser, by the elements it sends: Chromium's main-thread time per click (issue #8).

Run: `.venv/bin/python bench/bench_element_cost.py [--repeat 6] [--variants bare,captions,...]`. Prints a table and
JSON; asserts nothing. Each variant of bench/element_cost_app.py (the bare page's button and counter plus one kind of
content) is served by its own `streamlit run` (the app's Streamlit, flags and .streamlit/config.toml) on 127.0.0.1;
one headless Chromium page (Debian's, through Playwright) clicks "Klick" ``--repeat`` times after a warm-up click.
Per click, from the DevTools protocol's ``Performance.getMetrics`` of that page: the renderer's task time (all work
on its main thread: script, style, layout, paint) and its script time, between the click and one second after the
rerun ended, and the number of elements (DOM nodes) on the page. The figures are the browser's side only; with 20
sessions on two cores it is this time, times 20, that queues (docs/performance.md, "Fourth round").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.async_api import CDPSession, Page, async_playwright, expect  # noqa: E402

from tests.browser.conftest import _chromium, _free_port  # noqa: E402

APP = ROOT / "bench" / "element_cost_app.py"
VARIANTS = {  # name: what the page holds besides the button and the counter
    "bare": "nothing else",
    "menu": "a sidebar menu of 21 pages in two groups",
    "captions": "100 captions",
    "markdown": "the same 100 lines as one Markdown list",
    "multiselects": "5 empty multiselects",
    "lines_columns": "10 catalogue lines as before: columns (link | cart button), a caption",
    "lines_flex": "10 catalogue lines as now: a flex row (link, cart button), a caption",
    "rows_columns": "10 queue rows as before: a bordered block of 6 columns (4 texts, a select box, a link)",
    "cards": "10 queue rows as now: a bordered flex row (one text, a select box, a link)",
    "page_links": "10 page links",
    "markdown_table": "a Markdown table of 10 rows",
    "dataframe": "st.dataframe of 10 rows",
    "buttons": "10 buttons (the questionnaire's step list before)",
    "radio": "a radio group of 10 options (the step list now)",
    "fragment": "100 captions outside the fragment the button reruns",
}
KEYS = ("TaskDuration", "ScriptDuration")


@contextmanager
def served(variant: str) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "OAA_ELEMENT_VARIANT": variant}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP.relative_to(ROOT)), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


async def settled(page: Page) -> None:
    """Until the rerun has ended and the page has been quiet for a second (late frames and timers counted)."""
    await page.wait_for_timeout(300)
    await expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    await page.wait_for_timeout(1000)


async def metrics(cdp: CDPSession) -> dict[str, float]:
    found = await cdp.send("Performance.getMetrics")
    return {m["name"]: m["value"] for m in found["metrics"] if m["name"] in KEYS}


async def measure(page: Page, cdp: CDPSession, url: str, repeat: int) -> dict[str, float]:
    for _attempt in range(60):  # the server may still be starting
        try:
            await page.goto(url)
            break
        except Exception:
            await asyncio.sleep(0.5)
    await expect(page.get_by_text("Zähler 0", exact=True)).to_be_visible(timeout=60_000)
    await settled(page)
    button = page.get_by_role("button", name="Klick")
    task, script = [], []
    for count in range(1, repeat + 2):
        before = await metrics(cdp)
        await button.click()
        await expect(page.get_by_text(f"Zähler {count}", exact=True)).to_be_visible(timeout=60_000)
        await settled(page)
        after = await metrics(cdp)
        if count > 1:  # the first click warms up
            task.append((after["TaskDuration"] - before["TaskDuration"]) * 1000)
            script.append((after["ScriptDuration"] - before["ScriptDuration"]) * 1000)
    nodes = await page.evaluate("document.getElementsByTagName('*').length")
    return {"task_ms_median": round(statistics.median(task), 1), "script_ms_median": round(statistics.median(script), 1),
            "dom_nodes": nodes, "clicks": repeat}


async def run(variants: list[str], repeat: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=_chromium(), headless=True,
                                          args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        for variant in variants:
            with served(variant) as url:
                context = await browser.new_context(viewport={"width": 1280, "height": 900})
                page = await context.new_page()
                cdp = await context.new_cdp_session(page)
                await cdp.send("Performance.enable")
                results[variant] = await measure(page, cdp, url, repeat)
                await context.close()
            print(f"{variant:<15}{results[variant]['task_ms_median']:>9}{results[variant]['script_ms_median']:>9}"
                  f"{results[variant]['dom_nodes']:>8}  {VARIANTS[variant]}", flush=True)
        await browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=6)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args()
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants: {', '.join(unknown)}")
    started = time.monotonic()
    load = [round(v, 2) for v in os.getloadavg()]
    print(f"Chromium main thread per click (ms, median of {args.repeat}); load average {load}")
    print(f"{'variant':<15}{'task':>9}{'script':>9}{'nodes':>8}  page holds")
    results = asyncio.run(run(variants, args.repeat))
    print(f"total {time.monotonic() - started:.0f} s")
    print(json.dumps({"load_average_start": load, "load_average_end": [round(v, 2) for v in os.getloadavg()],
                      "variants": results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
