#!/usr/bin/env python3
"""The console in a real headless Chromium, one phase at a time (ConsoleBrowserTests runs the phases and does the
mail steps between them). Exits non-zero with the reason, and a screenshot in --shots, when a step fails."""
import argparse
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import chromium

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
p.add_argument("--entry", default="", help="a knowledge base entry's title")
p.add_argument("--file", default="", help="a file to attach to the answer")
p.add_argument("--user2", default="", help="a second user, for the presence phase")
p.add_argument("--password-file2", default="")
a = p.parse_args()

driver = chromium.start()
others = []


def fail(message):
    driver.save_screenshot(f"{a.shots}/console-{a.phase}-failed.png")
    print(f"{a.phase}: {message} (page {driver.current_url})", file=sys.stderr)
    for d in [driver] + others:
        d.quit()
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


def body():
    return driver.find_element(By.TAG_NAME, "body").text


def submit(form_action):
    chromium.navigate(driver, lambda: driver.find_element(
        By.CSS_SELECTOR, f"form[action='{form_action}'] button[type=submit]").click())


def follow(link_text):
    chromium.navigate(driver, lambda: driver.find_element(By.LINK_TEXT, link_text).click())


def no_script_ran():
    return chromium.no_script_ran(driver)


def log_in(user, password_file):
    driver.get(a.base + "/login")
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(open(password_file).read().strip())
    submit("/login")
    expect("Keluar" in body(), f"login of {user} failed")


log_in(a.user, a.password_file)
ticket = f"/tickets/{a.ticket}"

if a.phase == "answer":
    # From the review queue to the ticket, correct its category, then answer.
    driver.get(a.base + "/review")
    follow(a.ticket)
    Select(driver.find_element(By.CSS_SELECTOR, f"form[action='{ticket}/category'] select")).select_by_value(
        a.category)
    submit(f"{ticket}/category")
    expect("Kategori diubah." in body(), "category not changed")
    # Start from the knowledge base entry of the ticket's category: it fills the answer.
    follow(a.entry)
    expect(driver.find_element(By.ID, "body").get_attribute("value").startswith("Yth. "), "the entry did not fill the answer")
    driver.find_element(By.ID, "body").send_keys("\n" + a.text)
    driver.find_element(By.CSS_SELECTOR, "input[type=file][name=files]").send_keys(a.file)
    submit(f"{ticket}/answer")
    expect("Jawaban disimpan" in body(), "answer not stored")
elif a.phase == "kb":
    # The supervisor writes an entry; a variable that does not exist is refused first, with the reason.
    driver.get(a.base + "/kb")
    follow("Tambah entri")
    Select(driver.find_element(By.NAME, "category")).select_by_value(a.category)
    driver.find_element(By.NAME, "title").send_keys(a.entry)
    driver.find_element(By.ID, "kbbody").send_keys("Yth. {{nama}}")
    submit("/kb/new")
    expect("Variabel {{nama}} tidak dikenal" in body(), "an unknown variable was not refused")
    field = driver.find_element(By.ID, "kbbody")
    field.clear()
    field.send_keys(a.text)
    submit("/kb/new")
    expect("Entri disimpan." in body(), "entry not saved")
elif a.phase == "kb-from-unit":
    driver.get(a.base + ticket)
    submit(f"{ticket}/kb-from-unit")
    expect("Entri disimpan." in body(), "no entry from the unit's answer")
    expect(a.text in driver.find_element(By.ID, "kbbody").get_attribute("value"), "the entry lacks the unit's answer")
elif a.phase == "presence":
    # A second user opens the same ticket and starts typing an answer: the first sees it without reloading.
    driver.get(a.base + ticket)
    first = driver
    driver = chromium.start()
    others.append(first)
    log_in(a.user2, a.password_file2)
    driver.get(a.base + ticket)
    driver.find_element(By.ID, "body").send_keys("Sedang saya jawab")
    try:
        WebDriverWait(first, 25).until(
            lambda d: f"{a.user2} sedang menulis jawaban" in d.find_element(By.ID, "presence").text)
    except Exception:
        fail("the first page did not show the second user answering")
    expect(f"{a.user} juga membuka tiket ini" in body(), "the second page does not show the first user")
    first.save_screenshot(f"{a.shots}/console-presence-first.png")
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
    for path in ["/", "/tickets", "/review", ticket, f"/tickets/{a.text}"]:
        driver.get(a.base + path)
        expect(no_script_ran(), f"a script from mail ran on {path}")
        if path.startswith("/tickets/"):
            expect("<script>" in body() or "<img" in body(), f"the script is not shown as text on {path}")
            # Every link on the page stays on the console: none is a javascript: URL.
            for link in driver.find_elements(By.TAG_NAME, "a"):
                href = link.get_attribute("href") or ""
                expect(not href.lower().startswith("javascript"), f"a javascript: link on {path}")
else:
    fail("unknown phase")

driver.save_screenshot(f"{a.shots}/console-{a.phase}.png")
for d in [driver] + others:
    d.quit()
print(f"{a.phase}: ok")
