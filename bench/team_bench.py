"""The dashboard served to a team: a real `streamlit run app.py` on the demo database and a real
browser (Debian's Chromium through Playwright's async API). Measures, in this order:

a) the first page after a restart: from opening a browser page on `/?lang=en` until the page's
   script has stopped running, on the freshly started server (cold), then a second time (warm);
b) the server's CPU seconds (user + system, all threads, from /proc/<pid>/stat) per warm view of
   each page, over K sequential views of it;
c) N users at once: N browser contexts of one Chromium (each its own Streamlit session), all
   loading home then What-if together; p50, p95 and max of each page's time, against the same
   single-user warm time measured just before (the baseline, median of 3).

The box this runs on is noisy and the browser shares its cores with the server: read the ratios,
not the absolute times. Nothing is asserted; the targets are printed for reference.

    python bench/team_bench.py [--users 10] [--views 5] [--db PATH] [--port PORT] [--server-option K=V]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.serving import CHROMIUM, CHROMIUM_ARGS, free_port, wait_healthy  # noqa: E402 (after the path)

DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
HOME, WHAT_IF = "", "What_if"
PAGES = (HOME, WHAT_IF, "Service_rate", "Stock_rotation", "Production_delays", "Forecast_accuracy",
         "Decisions", "Data")
TIMEOUT_MS = 300_000
TARGET_CPU, TARGET_P95, TARGET_COLD = 0.5, 3.0, 5.0


def demo_database() -> Path:
    from sop_core.data import Store
    from sop_core.demo import load_demo

    path = Path(tempfile.mkdtemp(prefix="team_bench_")) / "demo.duckdb"
    with Store(path) as store:
        load_demo(store)
    return path


def start_server(db: Path, port: int, options: list[str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOP_DB_PATH": str(db)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false"]
    for option in options:  # KEY=VALUE -> --KEY VALUE
        key, _, value = option.partition("=")
        command += [f"--{key}", value]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads (fields 14 and 15 of /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # fields from the 3rd on; the name may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def box_busy() -> tuple[int, int]:
    """(busy, total) clock ticks of the whole machine since boot, from /proc/stat (busy = all but idle and iowait)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)


def client_cpu_seconds(server: int) -> float:
    """CPU seconds of this process's descendants but the server (Playwright's driver and Chromium),
    with those of their children that ended and were waited for (fields 16 and 17)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    total = 0.0
    for pid in parents:
        ancestor = pid
        while ancestor not in (0, 1, server, os.getpid()) and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor == os.getpid() and pid != server:
            with contextlib.suppress(OSError):
                total += cpu_seconds(pid)
                stat = Path(f"/proc/{pid}/stat").read_text()
                fields = stat[stat.rindex(")") + 2:].split()
                total += (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
    return total


async def view(page: Any, url: str) -> float:
    """Seconds from asking for `url` until its script has run to the end (first h1 shown, then the
    app says it is not running)."""
    start = time.perf_counter()
    await page.goto(url)
    await page.locator("h1").first.wait_for()
    await page.locator(DONE).wait_for()
    seconds = time.perf_counter() - start
    if await page.locator("[data-testid='stException']").count():
        print(f"warning: an exception is shown on {url}", file=sys.stderr)
    return seconds


async def new_page(browser: Any) -> tuple[Any, Any]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return context, page


async def fresh_view(browser: Any, url: str) -> float:
    """A new user's first view: a new context (session), its page opened and `url` loaded."""
    start = time.perf_counter()
    context, page = await new_page(browser)
    await view(page, url)
    seconds = time.perf_counter() - start
    await context.close()
    return seconds


def address(base: str, page: str) -> str:
    return f"{base}/{page}?lang=en"


async def cpu_per_view(browser: Any, base: str, pid: int, views: int) -> dict[str, tuple[float, float]]:
    """Per page: (server CPU s per view, median wall s per view) over `views` sequential warm views,
    after one untimed view of each page to fill the caches."""
    context, page = await new_page(browser)
    for name in PAGES:
        await view(page, address(base, name))
    figures = {}
    for name in PAGES:
        await asyncio.sleep(0.5)  # let the previous page's session settle
        before = cpu_seconds(pid)
        walls = [await view(page, address(base, name)) for _ in range(views)]
        figures[name] = ((cpu_seconds(pid) - before) / views, statistics.median(walls))
    await context.close()
    return figures


async def navigate(page: Any, label: str, heading: str) -> float:
    """Seconds from a click on the sidebar's link `label` (in-app navigation, the same session, as a
    user goes from page to page) until the new page shows `heading` and its script has run to the end."""
    start = time.perf_counter()
    await page.locator("[data-testid='stSidebar'] [data-testid='stPageLink'] a").filter(has_text=label).click()
    await page.locator("h1").filter(has_text=heading).wait_for()
    await page.locator(DONE).wait_for()
    return time.perf_counter() - start


async def one_user(browser: Any, base: str, go: asyncio.Event, close: bool = True,
                   warm: bool = False) -> tuple[float, float, Any]:
    """(home s, What-if s, context): a user's session loading home then What-if once `go` is set.
    Cold: a browser that never saw the dashboard, What-if typed in the address (a full reload).
    Warm: the browser has the dashboard's scripts in its cache (a manager who opened it before:
    one untimed visit), and goes to What-if by its sidebar link."""
    context, page = await new_page(browser)
    if warm:
        await view(page, address(base, "Decisions"))
        await page.goto("about:blank")
    await go.wait()
    home = await view(page, address(base, HOME))
    what_if = await (navigate(page, "What-if", "What-if: heures sup") if warm else view(page, address(base, WHAT_IF)))
    if close:
        await context.close()
    return home, what_if, context


async def together(browser: Any, base: str, users: int, warm: bool,
                   at_start: Any = None) -> tuple[list[tuple[float, float, Any]], float]:
    """`users` contexts opened first, then all released at once to load home then What-if; the
    contexts are left open (their renderers alive, so that their CPU can still be read). Returns
    the results and the wall time from the release to the last user's end."""
    go = asyncio.Event()
    tasks = [asyncio.create_task(one_user(browser, base, go, close=False, warm=warm)) for _ in range(users)]
    await asyncio.sleep(2.0 + (3.0 * users if warm else 0.0))  # every context ready (warm: its visit done)
    if at_start is not None:
        at_start()
    start = time.perf_counter()
    go.set()
    results = list(await asyncio.gather(*tasks))
    return results, time.perf_counter() - start


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 10 values is the largest but none: rank ceil(9.5) = 10)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


async def run(args: argparse.Namespace) -> None:
    from playwright.async_api import async_playwright

    started = time.perf_counter()
    db = args.db or demo_database()
    prepared = time.perf_counter() - started
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(db, port, args.server_option)
    try:
        started = time.perf_counter()
        wait_healthy(base, server)
        healthy = time.perf_counter() - started
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            cpu_start = cpu_seconds(server.pid)
            cold = await fresh_view(browser, address(base, HOME))
            cold_cpu = cpu_seconds(server.pid) - cpu_start
            warm = await fresh_view(browser, address(base, HOME))
            per_page = await cpu_per_view(browser, base, server.pid, args.views)
            baselines = [await one_user(browser, base, _set_event(), warm=args.clients == "warm") for _ in range(3)]
            base_home = statistics.median(b[0] for b in baselines)
            base_what_if = statistics.median(b[1] for b in baselines)
            readings: dict[str, Any] = {}

            def read_start() -> None:
                readings.update(cpu=cpu_seconds(server.pid), client=client_cpu_seconds(server.pid), box=box_busy())

            results, crowd_wall = await together(browser, base, args.users, args.clients == "warm", read_start)
            crowd_cpu = cpu_seconds(server.pid) - readings["cpu"]
            crowd_client = client_cpu_seconds(server.pid) - readings["client"]
            box_end = box_busy()
            box_share = (box_end[0] - readings["box"][0]) / max(1, box_end[1] - readings["box"][1])
            for *_, context in results:
                await context.close()
            await browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)

    options = f"; server options {' '.join(args.server_option)}" if args.server_option else ""
    print(f"database: {db}{'' if args.db else f' (demo loaded in {prepared:.1f} s)'}{options}; "
          f"server healthy {healthy:.1f} s after start; {os.cpu_count()} CPUs")
    print()
    print("a) first page after a restart (home, new browser context)")
    print(f"{'view':26} {'wall s':>8}")
    print(f"{'cold (fresh server)':26} {cold:8.2f}   server CPU {cold_cpu:.2f} s")
    print(f"{'warm (second view)':26} {warm:8.2f}   cold/warm {cold / warm:.1f}")
    print()
    print(f"b) server CPU per warm page view ({args.views} sequential views of each page)")
    print(f"{'page':20} {'CPU s/view':>10} {'wall s':>8} {'CPU/home':>9}")
    home_cpu = per_page[HOME][0]
    for name, (cpu, wall) in per_page.items():
        ratio = f"{cpu / home_cpu:9.2f}" if home_cpu else f"{'-':>9}"
        print(f"{'/' + name:20} {cpu:10.3f} {wall:8.2f} {ratio}")
    print()
    print(f"c) {args.users} users at once, each in its own context ({args.clients} browsers): home then What-if")
    print(f"{'page':10} {'baseline s':>10} {'p50 s':>8} {'p95 s':>8} {'max s':>8} {'p95/baseline':>13}")
    for name, column, baseline in (("home", 0, base_home), ("What-if", 1, base_what_if)):
        times = [r[column] for r in results]
        print(f"{name:10} {baseline:10.2f} {statistics.median(times):8.2f} {percentile(times, 0.95):8.2f} "
              f"{max(times):8.2f} {percentile(times, 0.95) / baseline:13.1f}")
    print(f"(baseline: one user alone, median of 3. During the crowd's {crowd_wall:.1f} s: server CPU "
          f"{crowd_cpu:.1f} s = {crowd_cpu / crowd_wall:.2f} cores, browser CPU {crowd_client:.1f} s = "
          f"{crowd_client / crowd_wall:.2f} cores; the whole box {100 * box_share:.0f} % busy, "
          "other programs included)")
    print()
    worst = max(per_page.items(), key=lambda item: item[1][0])
    p95 = max(percentile([r[0] for r in results], 0.95), percentile([r[1] for r in results], 0.95))
    print("targets (for reference; nothing is asserted)")
    print(f"  warm page view under {TARGET_CPU} s of server CPU: {verdict(worst[1][0] < TARGET_CPU)} "
          f"(costliest /{worst[0]}: {worst[1][0]:.3f} s; over: "
          f"{', '.join('/' + n for n, f in per_page.items() if f[0] >= TARGET_CPU) or 'none'})")
    crowd = "" if args.users == 10 else f" [measured with {args.users} users, not 10]"
    print(f"  10 users at once, home then What-if, p95 under {TARGET_P95} s: {verdict(p95 < TARGET_P95)} "
          f"(worst p95 {p95:.2f} s){crowd}")
    print(f"  first page after a restart under {TARGET_COLD} s: {verdict(cold < TARGET_COLD)} ({cold:.2f} s)")


def _set_event() -> asyncio.Event:
    event = asyncio.Event()
    event.set()
    return event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=10, help="concurrent users (default 10)")
    parser.add_argument("--views", type=int, default=5, help="sequential warm views per page (default 5)")
    parser.add_argument("--db", type=Path, help="a database to serve (default: the demo, loaded in a temp folder)")
    parser.add_argument("--port", type=int, help="server port (default: a free one)")
    parser.add_argument("--clients", choices=["cold", "warm"], default="cold",
                        help="cold: browsers that never saw the dashboard, What-if typed in the address; "
                             "warm: its scripts cached, What-if reached by the sidebar link (default cold)")
    parser.add_argument("--server-option", action="append", default=[], metavar="KEY=VALUE",
                        help="a streamlit option for the server, e.g. server.fileWatcherType=none (repeatable)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
