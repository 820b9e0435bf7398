#!/usr/bin/env python3
"""Blast staff in a real headless Chromium (BlastConsoleTests runs it and checks the mail and the store around it):
upload a CSV and see its bad rows, have a broken template refused, create a blast, preview a recipient's mail (its
HTML inert in a sandboxed frame), send a test, schedule it a few seconds ahead in WITA through the confirmation
step, watch the counts reach the expected number of sent mails while the page updates itself, filter the recipient
log and download the failures CSV. Exits non-zero with the reason, and a screenshot in --shots, when a step fails."""
import argparse
import datetime
import json
import os
import sys
import time

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import chromium

p = argparse.ArgumentParser()
p.add_argument("--base", required=True)
p.add_argument("--user", required=True)
p.add_argument("--password-file", required=True)
p.add_argument("--csv", required=True)
p.add_argument("--problems", required=True, help="a JSON file: the bad rows' lines as `lists import` reports them")
p.add_argument("--first", required=True, help="the list's first address (the preview's default recipient)")
p.add_argument("--test-address", required=True)
p.add_argument("--failed", required=True, help="the address the server refuses for good (5xx)")
p.add_argument("--sent", type=int, required=True, help="how many mails are sent in the end")
p.add_argument("--shots", default="/tmp")
p.add_argument("--width", type=int, default=1366)
a = p.parse_args()

driver = chromium.start(a.width)
driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": a.shots})


def fail(message):
    driver.save_screenshot(f"{a.shots}/blast-failed.png")
    print(f"blast: {message} (page {driver.current_url})", file=sys.stderr)
    driver.quit()
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


def body():
    return driver.find_element(By.TAG_NAME, "body").text


def click(selector):
    chromium.navigate(driver, lambda: driver.find_element(By.CSS_SELECTOR, selector).click())


# Log in; blast staff land on the blasts.
driver.get(a.base + "/login")
driver.find_element(By.ID, "username").send_keys(a.user)
driver.find_element(By.ID, "password").send_keys(open(a.password_file).read().strip())
click("form[action='/login'] button[type=submit]")
driver.get(a.base + "/")
expect(driver.current_url.endswith("/blasts"), "blast staff do not land on the blasts")

# 1. Upload the CSV: the summary and every bad row by its line, as `surel lists import` words them.
driver.get(a.base + "/lists")
driver.find_element(By.ID, "list").send_keys("pemda-uji")
driver.find_element(By.ID, "csv").send_keys(os.path.abspath(a.csv))
click("form[action='/lists/import'] button[type=submit]")
text = body()
for problem in json.load(open(a.problems)):
    expect(problem in text, f"the bad row is not shown: {problem}")
expect("3 baris ditolak" in text, "no count of the refused rows")
driver.save_screenshot(f"{a.shots}/blast-lists.png")

# 2. A template naming a column the list does not have is refused with the reason; the text typed stays.
driver.get(a.base + "/blasts/new")
Select(driver.find_element(By.ID, "list")).select_by_value("pemda-uji")
expect("{{instansi}}" in body(), "the list's variables are not shown")
driver.find_element(By.ID, "subject").send_keys("Undangan webinar TKD untuk {{instansi}}")
driver.find_element(By.ID, "text").send_keys("Yth. {{name}} di {{kota}},\nKami mengundang Anda.")
click("form[action='/blasts/new'] button[type=submit]")
expect("{{kota}}" in driver.find_element(By.ID, "problem").text, "the broken template is not named")
expect("Kami mengundang" in driver.find_element(By.ID, "text").get_attribute("value"), "the text typed was lost")
driver.find_element(By.ID, "text").clear()
driver.find_element(By.ID, "text").send_keys("Yth. {{name}} ({{instansi}}),\nKami mengundang Anda ke webinar TKD.")
driver.find_element(By.TAG_NAME, "summary").click()
driver.find_element(By.ID, "html").send_keys(
    "<p>Yth. <b>{{name}}</b></p><script>window.parent.__xss = 1</script>"
    "<img src=x onerror=\"window.top.__xss = 2\"><img src=\"http://127.0.0.1:9/pixel.gif\">")
click("form[action='/blasts/new'] button[type=submit]")
expect("Draf" in body(), "the blast is not a draft")
blast = driver.current_url.split("/blasts/")[1].split("?")[0]

# 3. The preview: the first recipient's mail as sent; the HTML in a frame without scripts.
click("a[href='/blasts/%s/preview']" % blast)
text = body()
expect(a.first in text, "the preview is not the first recipient's mail")
expect("List-Unsubscribe" in text, "the preview does not show the bulk headers")
frame = driver.find_element(By.CSS_SELECTOR, "iframe.html-preview")
expect(frame.get_attribute("sandbox") == "", "the preview frame is not sandboxed")
driver.switch_to.frame(frame)
expect("Yth." in driver.find_element(By.TAG_NAME, "body").text, "the HTML part is not in the frame")
driver.switch_to.default_content()
time.sleep(0.5)
expect(chromium.no_script_ran(driver), "a script of the blast's HTML ran in the console")
driver.save_screenshot(f"{a.shots}/blast-preview.png")
driver.find_element(By.NAME, "recipient").send_keys(a.failed)
click("form[action='/blasts/%s/preview'] button[type=submit]" % blast)
expect(a.failed in body(), "the preview of a chosen recipient is not theirs")

# 4. A test to one address.
driver.get(f"{a.base}/blasts/{blast}")
driver.find_element(By.ID, "test-address").send_keys(a.test_address)
click("#send-test")
expect("Surel uji diantrekan" in body(), "the test was not queued")

# 5. Schedule a few seconds ahead, written in WITA; the confirmation shows it in the three zones.
wita = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))) + datetime.timedelta(seconds=8)
when = driver.find_element(By.ID, "when")
when.clear()
when.send_keys(wita.strftime("%Y-%m-%d %H:%M:%S"))
Select(driver.find_element(By.ID, "zone")).select_by_visible_text("WITA")
click("#schedule")
text = body()
expect("Jadwalkan blast ini?" in text, "no confirmation before scheduling")
expect("WIB" in text and "WITA" in text and "WIT" in text, "the time is not shown in the three zones")
expect(wita.strftime("%H.%M") + " WITA" in text, "the WITA time is not the one typed")
driver.save_screenshot(f"{a.shots}/blast-confirm.png")
click("#confirm")
expect("Terjadwal" in body(), "the blast is not scheduled")

# 6. Watch it: the sent count grows on a page nobody reloads, until every mail that can go has gone.
seen = {}
deadline = time.time() + 120
while time.time() < deadline:
    try:
        doc, sent = driver.execute_script(
            "window.__doc = window.__doc || Math.random();"
            "return [window.__doc, document.getElementById('count-sent').textContent];")
    except WebDriverException:
        time.sleep(0.2)
        continue
    seen.setdefault(doc, []).append(int(sent))
    if int(sent) >= a.sent:
        break
    time.sleep(0.25)
expect(max(max(v) for v in seen.values()) == a.sent, f"the page never showed {a.sent} sent: {seen}")
expect(any(len(set(v)) >= 3 for v in seen.values()),
       f"the counts did not change on the page by themselves: {[sorted(set(v)) for v in seen.values()]}")
driver.save_screenshot(f"{a.shots}/blast-sending.png")

# 7. The recipient log filtered to the failed; the failures as CSV.
deadline = time.time() + 30
while time.time() < deadline:
    driver.get(f"{a.base}/blasts/{blast}?state=failed#log")
    if a.failed in body():
        break
    time.sleep(1)
expect(a.failed in driver.find_element(By.ID, "recipients").text, "the failed recipient is not in the filtered log")
expect("1 penerima." in body(), "the filter shows more than the failed recipient")
driver.save_screenshot(f"{a.shots}/blast-log.png")
driver.find_element(By.ID, "failures").click()
path = f"{a.shots}/blast-{blast}-gagal.csv"
deadline = time.time() + 15
while not os.path.exists(path) and time.time() < deadline:
    time.sleep(0.2)
expect(os.path.exists(path), "the failures CSV was not downloaded")
driver.quit()
print(f"blast: ok {blast}")
