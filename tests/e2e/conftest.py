"""What the browser walks share: one server on a demo copy and one Chromium per test module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import CopyDatabase
from tests.e2e.test_browser import launch, start_server


@pytest.fixture(scope="module")
def site(demo_copy: CopyDatabase, request: pytest.FixtureRequest) -> Iterator[str]:
    """`streamlit run` on the module's own copy of the demo."""
    with start_server(demo_copy(request.module.__name__.rsplit(".", 1)[-1])) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        opened = launch(playwright)
        yield opened
        opened.close()
