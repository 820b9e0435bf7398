#!/usr/bin/env python3
"""The console in a real headless Chromium, one phase at a time (ConsoleBrowserTests runs the phases and does the
mail steps between them). Exits non-zero with the reason, and a screenshot in --shots, when a step fails."""
import argparse
import sys

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

p = argparse.ArgumentParser()
p.add_argument("--base", required=True)
p.add_argument("--user", required=True)
p.add_argument("--password-file", required=True)
p.add_argument("--phase", required=True)
p.add_argument("--ticket", default="")
p.add_argument("--category", default="")
p.add_argument("--text", default="")
p.add_argument("--unit", default="")
p.add_argument("--shots", default="/tmp")
a = p.parse_args()

options = webdriver.ChromeOptions()
for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,900"]:
    options.add_argument(arg)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(30)


def fail(message):
    driver.save_screenshot(f"{a.shots}/console-{a.phase}-failed.png")
    print(f"{a.phase}: {message} (page {driver.current_url})", file=sys.stderr)
    driver.quit()
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


def body():
    return driver.find_element(By.TAG_NAME, "body").text


def submit(form_action):
    # Waits for the answer page: reading the old one after the click races with the navigation.
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, f"form[action='{form_action}'] button[type=submit]").click()
    WebDriverWait(driver, 15).until(expected_conditions.staleness_of(old))


def follow(link_text):
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.LINK_TEXT, link_text).click()
    WebDriverWait(driver, 15).until(expected_conditions.staleness_of(old))


def no_script_ran():
    try:
        driver.switch_to.alert
        return False
    except NoAlertPresentException:
        return driver.execute_script("return window.__xss === undefined")


password = open(a.password_file).read().strip()
driver.get(a.base + "/login")
driver.find_element(By.ID, "username").send_keys(a.user)
driver.find_element(By.ID, "password").send_keys(password)
submit("/login")
expect("Keluar" in body(), "login failed")
ticket = f"/tickets/{a.ticket}"

if a.phase == "answer":
    # From the review queue to the ticket, correct its category, then answer.
    driver.get(a.base + "/review")
    follow(a.ticket)
    Select(driver.find_element(By.CSS_SELECTOR, f"form[action='{ticket}/category'] select")).select_by_value(
        a.category)
    submit(f"{ticket}/category")
    expect("Kategori diubah." in body(), "category not changed")
    driver.find_element(By.ID, "body").send_keys(a.text)
    submit(f"{ticket}/answer")
    expect("Jawaban disimpan" in body(), "answer not stored")
elif a.phase == "escalate":
    driver.get(a.base + ticket)
    Select(driver.find_element(By.CSS_SELECTOR, f"form[action='{ticket}/escalate'] select")).select_by_value(a.unit)
    driver.find_element(By.CSS_SELECTOR, f"form[action='{ticket}/escalate'] input[name=note]").send_keys(a.text)
    submit(f"{ticket}/escalate")
    expect("Tiket dieskalasi" in body(), "not escalated")
elif a.phase == "thread":
    driver.get(a.base + ticket)
    expect(a.text in body(), "the unit's reply is not in the thread")
elif a.phase == "close":
    driver.get(a.base + ticket)
    follow("Tutup tiket…")
    expect("BAK-" + a.ticket in body(), "no BAK preview")
    submit(f"{ticket}/close")
    expect("Tiket ditutup" in body(), "not closed")
elif a.phase == "xss":
    # A mail whose sender name, subject, body and attachment name carry script: shown as text, nothing runs.
    for path in ["/", "/tickets", "/review", ticket]:
        driver.get(a.base + path)
        expect(no_script_ran(), f"a script from mail ran on {path}")
    expect("<script>" in body(), "the script is not shown as text")
else:
    fail("unknown phase")

driver.save_screenshot(f"{a.shots}/console-{a.phase}.png")
driver.quit()
print(f"{a.phase}: ok")
