"""The district page's handout button: the PDF is drawn on the click and arrives named after the district."""
from __future__ import annotations

import re


def test_district_handout_downloads_as_a_pdf_named_after_the_district(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url + "/?view=district&district=futian")
    button = page.locator(".st-key-handout_futian button")
    button.wait_for()
    with page.expect_download(timeout=180_000) as info:
        button.click()
    download = info.value
    assert re.fullmatch(r"shenzhen-14fyp-handout-futian-\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert not offline_page.external
