"""End to end: the real server started by ``launch``, driven in headless Chromium."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from claims.review import launch
from claims.review.store import ReviewStore

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOT = Path("/tmp/review.png")
#: Seconds to wait for the page to render or for a click to reach the store.
WAIT = 60

pytestmark = pytest.mark.slow


@pytest.fixture
def browser(tmp_path: Path):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip(f"needs Debian's chromium and chromedriver ({CHROMIUM}, {CHROMEDRIVER}): "
                    "apt-get install -y chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--window-size=1400,1800"):
        options.add_argument(flag)
    profile = tmp_path / "chromium-profile"
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_reviewer_sees_flagged_claims_and_a_click_is_stored(run_dir: Path, browser) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT)
    with launch(str(run_dir)) as server:
        assert server.url.startswith("http://127.0.0.1:")
        browser.get(server.url)
        try:
            wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-claim-id="c-hedged"]')))
        except TimeoutException:
            browser.save_screenshot(str(SCREENSHOT))
            pytest.fail(f"no claim cards after {WAIT} s (screenshot: {SCREENSHOT}); page text: {browser.find_element(By.TAG_NAME, 'body').text[:500]!r}")
        cards = browser.find_elements(By.CSS_SELECTOR, ".claim-card")
        assert [c.get_attribute("data-claim-id") for c in cards] == [
            "c-safe", "c-hostile", "c-dup", "c-mech", "c-vague", "c-hedged",
        ]

        hostile = browser.find_element(By.CSS_SELECTOR, '[data-claim-id="c-hostile"]')
        assert "<script>alert(1)</script> Our drip cures <b>bold</b> fatigue" in hostile.text
        assert hostile.find_elements(By.TAG_NAME, "b") == []
        assert browser.execute_script("return window.__pwned === undefined")
        assert browser.title != "pwned"

        store = ReviewStore.for_run(run_dir)
        button = browser.find_element(By.CSS_SELECTOR, ".st-key-verdict-unsupported-c-safe button")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        button.click()
        deadline = time.monotonic() + WAIT
        while store.get("c-safe") is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert store.get("c-safe").verdict == "unsupported"
        wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, '[data-claim-id="c-safe"]'), "Unsupported"))
        browser.execute_script("window.scrollTo(0, 0);")
        browser.save_screenshot(str(SCREENSHOT))
    assert server.process.poll() is not None  # leaving the block stopped the server
