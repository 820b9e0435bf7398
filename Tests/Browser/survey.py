#!/usr/bin/env python3
"""A citizen rates a consultation from the BAK mail's link in a real headless Chromium (SurveyTests runs it):
the page shows the ticket, both questions are answered, a comment typed, and the thank-you page comes back.
Exits non-zero with the reason, and a screenshot in --shots, when a step fails."""
import argparse
import sys

from selenium.webdriver.common.by import By

import chromium

p = argparse.ArgumentParser()
p.add_argument("--url", required=True)
p.add_argument("--ticket", required=True)
p.add_argument("--service", required=True)
p.add_argument("--substance", required=True)
p.add_argument("--comment", default="")
p.add_argument("--shots", default="/tmp")
a = p.parse_args()

# A phone's width: citizens open the link from their mail app.
driver = chromium.start(420)


def fail(message):
    driver.save_screenshot(f"{a.shots}/survey-failed.png")
    print(f"survey: {message} (page {driver.current_url})", file=sys.stderr)
    driver.quit()
    sys.exit(1)


driver.get(a.url)
text = driver.find_element(By.TAG_NAME, "body").text
if a.ticket not in text or "Kepuasan Layanan" not in text or "Substansi Jawaban" not in text:
    fail("the survey page does not show the ticket and both questions")
driver.save_screenshot(f"{a.shots}/survey-form.png")
driver.find_element(By.CSS_SELECTOR, f"input[name=layanan][value='{a.service}']").click()
driver.find_element(By.CSS_SELECTOR, f"input[name=substansi][value='{a.substance}']").click()
driver.find_element(By.ID, "komentar").send_keys(a.comment)
chromium.navigate(driver, lambda: driver.find_element(By.CSS_SELECTOR, "form.survey button[type=submit]").click())
if "Terima kasih" not in driver.find_element(By.TAG_NAME, "body").text:
    fail("no thank-you page")
driver.save_screenshot(f"{a.shots}/survey-done.png")
driver.quit()
print("survey: ok")
