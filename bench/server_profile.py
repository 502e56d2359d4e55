"""Where a warm page view spends the server's time: `streamlit run app.py` in this process with a
stack sampler on all its threads (every 5 ms), while Chromium views each page K times after one
untimed view. A thread is counted as idle when its innermost frame waits in a selector, lock or
queue, or is blocked in C in a file watcher's sleep, an inotify read or an idle pool worker.
Prints, per page, the busy thread time per view, the share of busy samples under the functions
that weigh most (inclusive) and the innermost frames (exclusive). A sampler, not a tracer: shares,
not exact times (a frame running C code, e.g. a DuckDB query, counts as busy).

    python bench/server_profile.py [--db PATH] [--views 5] [--pages ,What_if]
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.team_bench import CHROMIUM, CHROMIUM_ARGS, DONE, demo_database, free_port, wait_healthy  # noqa: E402

FLAG_ENV = "TEAM_PROFILE_FLAG"
IDLE_FILES = ("selectors.py", "threading.py", "queue.py", "socket.py")
# Innermost Python frames of threads blocked in C: the file watchers' sleep and inotify reads, an idle pool worker.
IDLE_LEAVES = ("streamlit/watcher/polling_path_watcher.py:task", "concurrent/futures/thread.py:_worker",
               "watchdog/observers/inotify_c.py:_check_inotify_fd",
               "watchdog/observers/inotify_c.py:_dispatch_raw_buffers")
INTERVAL = 0.005


def where(frame) -> str:  # type: ignore[no-untyped-def]
    code = frame.f_code
    path = code.co_filename
    for marker in ("site-packages/", "h-bench/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{code.co_name}"


def sampler(flag: Path) -> None:
    """Sample every thread while `flag` exists; when it disappears, write the counts beside it."""
    me = threading.get_ident()
    inclusive: collections.Counter[str] = collections.Counter()
    leaves: collections.Counter[str] = collections.Counter()
    busy = idle = 0
    sampling = False
    while True:
        time.sleep(INTERVAL)
        if flag.exists():
            sampling = True
        elif sampling:
            lines = [f"busy {busy} idle {idle}"]
            lines += [f"I {n} {name}" for name, n in inclusive.most_common(60)]
            lines += [f"L {n} {name}" for name, n in leaves.most_common(25)]
            flag.with_suffix(".out").write_text("\n".join(lines))
            inclusive.clear(), leaves.clear()
            busy = idle = 0
            sampling = False
        if not sampling:
            continue
        for ident, frame in sys._current_frames().items():
            if ident == me:
                continue
            if frame.f_code.co_filename.endswith(IDLE_FILES) or where(frame) in IDLE_LEAVES:
                idle += 1
                continue
            busy += 1
            leaves[where(frame)] += 1
            seen = set()
            while frame is not None:
                name = where(frame)
                if name not in seen:
                    seen.add(name)
                    inclusive[name] += 1
                frame = frame.f_back


def serve(args: list[str]) -> None:
    from streamlit.web import cli

    threading.Thread(target=sampler, args=(Path(os.environ[FLAG_ENV]),), daemon=True).start()
    sys.argv = ["streamlit", "run", "app.py", *args]
    cli.main(prog_name="streamlit")


def drive(db: Path, views: int, pages: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    flag = Path(tempfile.mkdtemp(prefix="team_profile_")) / "sampling"
    env = {**os.environ, "SOP_DB_PATH": str(db), FLAG_ENV: str(flag)}
    server = subprocess.Popen([sys.executable, __file__, "serve", "--server.headless", "true",
                               "--server.port", str(port), "--server.address", "127.0.0.1",
                               "--browser.gatherUsageStats", "false"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(base, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            tab = browser.new_page()
            tab.set_default_timeout(120_000)

            def view(page: str) -> None:
                tab.goto(f"{base}/{page}?lang=en")
                tab.locator("h1").first.wait_for()
                tab.locator(DONE).wait_for()

            for page in pages:
                view(page)
            for page in pages:
                time.sleep(0.5)
                flag.touch()
                for _ in range(views):
                    view(page)
                flag.unlink()
                out = flag.with_suffix(".out")
                for _ in range(100):
                    if out.exists():
                        break
                    time.sleep(0.05)
                report(page, out.read_text().splitlines(), views)
                out.unlink()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def report(page: str, lines: list[str], views: int) -> None:
    busy = int(lines[0].split()[1])
    print(f"\n=== /{page}: {busy} busy samples, {busy * INTERVAL / views:.2f} s of busy thread time per view ===")
    for line in lines[1:]:
        kind, count, name = line.split(" ", 2)
        if kind == "I" and ("h-bench" in name or name.startswith(("sop_", "app.py", "pages/", "streamlit/", "tornado/",
                                                                    "pandas/", "pyarrow/", "altair/"))):
            print(f"  incl {100 * int(count) / busy:5.1f} %  {name}")
    for line in lines[1:]:
        kind, count, name = line.split(" ", 2)
        if kind == "L":
            print(f"  leaf {100 * int(count) / busy:5.1f} %  {name}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="a database to serve (default: the demo, loaded in a temp folder)")
    parser.add_argument("--views", type=int, default=5)
    parser.add_argument("--pages", default=",What_if", help="comma-separated page addresses ('' is home)")
    args = parser.parse_args()
    drive(args.db or demo_database(), args.views, args.pages.split(","))


if __name__ == "__main__":
    main()
