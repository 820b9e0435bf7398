"""What the browser tests share: a headless Chromium through Debian's chromedriver, waiting for a click's page, and
whether a script of a mail (or a blast) ran."""
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def start(width=1366, height=900):
    options = webdriver.ChromeOptions()
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}"]:
        options.add_argument(arg)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    d.set_page_load_timeout(30)
    return d


def replaced(old):
    # The old page is gone. Chromium reports a node of a replaced document either as stale or as an inspector
    # error ("does not belong to the document"): both mean the navigation happened.
    def check(_):
        try:
            old.is_enabled()
            return False
        except WebDriverException:
            return True
    return check


def navigate(driver, action):
    """Runs `action` (a click) and waits for the page it leads to: reading the old one races with the navigation."""
    old = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, 15).until(replaced(old))


def no_script_ran(driver):
    """No alert is open and no script set `window.__xss` (what the hostile test content does when it runs)."""
    try:
        driver.switch_to.alert
        return False
    except NoAlertPresentException:
        return driver.execute_script("return window.__xss === undefined")
