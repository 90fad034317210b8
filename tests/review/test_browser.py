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
#: Seconds to wait for the page to render or for a click to reach the store.
WAIT = 60

pytestmark = pytest.mark.slow


@pytest.fixture
def browser(tmp_path: Path):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip(
            f"needs Debian's chromium and chromedriver ({CHROMIUM}, {CHROMEDRIVER}): "
            "apt-get install -y chromium chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--window-size=1400,1800",
    ):
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


def _card(browser, wait, claim_id: str, shots: Path):
    """Wait for the card of ``claim_id`` to be the one on screen, ready for keys."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    try:
        card = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, f'[data-claim-id="{claim_id}"]')))
        # keys act on this claim once the run that drew it is over (no element of the page
        # before is left) and the buttons holding the shortcuts are drawn (their code loads lazily)
        wait.until(
            lambda driver: (
                not driver.find_elements(By.CSS_SELECTOR, '[data-stale="true"]')
                and len(driver.find_elements(By.CSS_SELECTOR, ".st-key-next button, .st-key-verdict-supported button"))
                == 2
            )
        )
        return card
    except TimeoutException:
        browser.save_screenshot(str(shots))
        body = browser.find_element(By.TAG_NAME, "body").text[:500]
        pytest.fail(f"claim {claim_id} not on screen after {WAIT} s (screenshot: {shots}); page text: {body!r}")


def _press(browser, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).send_keys(key).perform()


def _stored(store: ReviewStore, claim_id: str):
    deadline = time.monotonic() + WAIT
    while store.get(claim_id) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    return store.get(claim_id)


def test_a_shift_of_work_by_keyboard(run_dir: Path, browser, tmp_path: Path) -> None:
    """J / K move through the claims needing a citation, a digit records a verdict and moves
    on, N skips to the next claim without one; scraped markup stays text throughout."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT)
    shots = tmp_path / "review.png"
    store = ReviewStore.for_run(run_dir)
    with launch(str(run_dir)) as server:
        assert server.url.startswith("http://127.0.0.1:")
        browser.get(server.url)
        _card(browser, wait, "c-safe", shots)  # highest priority first
        _press(browser, "j")
        hostile = _card(browser, wait, "c-hostile", shots)
        assert "<script>alert(1)</script> Our drip cures <b>bold</b> fatigue" in hostile.text
        assert hostile.find_elements(By.TAG_NAME, "b") == []
        assert browser.execute_script("return window.__pwned === undefined")
        assert browser.title != "pwned"
        _press(browser, "k")
        _card(browser, wait, "c-safe", shots)

        _press(browser, "2")  # unsupported
        assert _stored(store, "c-safe").verdict == "unsupported"
        _card(browser, wait, "c-hostile", shots)  # moved on to the next claim without a verdict
        _press(browser, "4")  # not a claim
        assert _stored(store, "c-hostile").verdict == "not_a_claim"
        _card(browser, wait, "c-dup", shots)
        _press(browser, "k")
        _card(browser, wait, "c-hostile", shots)
        _press(browser, "k")
        badge = _card(browser, wait, "c-safe", shots).find_element(By.CSS_SELECTOR, ".verdict-unsupported")
        assert badge.text == "Unsupported"
        assert badge.value_of_css_property("background-color") != "rgba(209, 250, 223, 1)"  # not supported's green
        _press(browser, "n")  # c-hostile has a verdict now: on to c-dup
        _card(browser, wait, "c-dup", shots)
        browser.execute_script("window.scrollTo(0, 0);")
        browser.save_screenshot(str(shots))
    assert server.process.poll() is not None  # leaving the block stopped the server


def test_citation_markers_link_to_their_entry_and_doi(run_dir: Path, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT)
    shots = tmp_path / "citations.png"
    with launch(str(run_dir)) as server:
        browser.get(server.url)
        _card(browser, wait, "c-safe", shots)
        browser.find_element(By.CSS_SELECTOR, ".st-key-needs_only label").click()  # every claim, cited ones too
        search = browser.find_element(By.CSS_SELECTOR, ".st-key-query input")
        search.send_keys("fibromyalgia", Keys.ENTER)
        card = _card(browser, wait, "c-hedged", shots)
        marker = card.find_element(By.CSS_SELECTOR, "a.cite")
        assert marker.text == "[1]"
        assert marker.get_attribute("href") == "https://clinic.example/ketamine#ref-1"
        entry = card.find_element(By.CSS_SELECTOR, ".claim-references li")
        assert "Halvorsen T. Ketamine in fibromyalgia" in entry.text
        doi = entry.find_element(By.CSS_SELECTOR, "a.ref-link")
        assert (doi.text, doi.get_attribute("href")) == ("DOI", "https://doi.org/10.5555/pm.2018.12")
        assert doi.get_attribute("target") == "_blank"
        at_sentence = card.find_element(By.CSS_SELECTOR, "a.at-sentence").get_attribute("href")
        assert at_sentence.startswith("https://clinic.example/ketamine#:~:text=It%20may%20help%20some%20patients")
