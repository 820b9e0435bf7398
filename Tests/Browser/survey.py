#!/usr/bin/env python3
"""A citizen rates a consultation from the BAK mail's link in a real headless Chromium (SurveyTests runs it):
the page shows the ticket, both questions are answered, a comment typed, and the thank-you page comes back.
Exits non-zero with the reason, and a screenshot in --shots, when a step fails."""
import argparse
import sys

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

p = argparse.ArgumentParser()
p.add_argument("--url", required=True)
p.add_argument("--ticket", required=True)
p.add_argument("--service", required=True)
p.add_argument("--substance", required=True)
p.add_argument("--comment", default="")
p.add_argument("--shots", default="/tmp")
a = p.parse_args()

options = webdriver.ChromeOptions()
# A phone's width: citizens open the link from their mail app.
for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=420,900"]:
    options.add_argument(arg)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(30)


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
old = driver.find_element(By.TAG_NAME, "html")
driver.find_element(By.CSS_SELECTOR, "form.survey button[type=submit]").click()


def replaced(_):
    try:
        old.is_enabled()
        return False
    except WebDriverException:
        return True


WebDriverWait(driver, 15).until(replaced)
if "Terima kasih" not in driver.find_element(By.TAG_NAME, "body").text:
    fail("no thank-you page")
driver.save_screenshot(f"{a.shots}/survey-done.png")
driver.quit()
print("survey: ok")
