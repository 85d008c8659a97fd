"""Full-page screenshots of the app's pages at 1366x768, for a look before a release.

Usage (with a server running, e.g. DEBUG=1 .venv/bin/python manage.py runserver 127.0.0.1:8011):

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8011 center_admin Union-Aid-Demo-2026

Drives Debian's Chromium (/usr/bin/chromium) with the same flags as tests/browser; writes PNGs into
./screenshots/ (gitignored). Logging in counts as a login: five wrong passwords lock the account.
"""

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the running server, e.g. http://127.0.0.1:8011")
    parser.add_argument("username")
    parser.add_argument("password")
    parser.add_argument("--out", default="screenshots", help="directory for the PNGs (default: ./screenshots)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=args.url.rstrip("/"), viewport={"width": 1366, "height": 768}, locale="zh-CN"
        )
        page = context.new_page()

        def shoot(name, path=None):
            if path is not None:
                page.goto(path)
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            print(f"{out / name}.png  {page.url}")

        shoot("01-login", "/login/")
        page.fill("#id_username", args.username)
        page.fill("#id_password", args.password)
        page.click("button[type=submit]")
        if "/login/" in page.url:
            shoot("01b-login-refused")
            sys.exit(f"login as {args.username} was refused; see {out}/01b-login-refused.png")
        shoot("02-home")
        shoot("03-network-tree", "/network/")
        node_links = page.locator("table.tree tbody a")
        if node_links.count() > 1:
            node_links.nth(1).click()
            shoot("04-node-detail")
        shoot("05-staff-list", "/network/staff/")
        shoot("06-staff-create", "/network/staff/new/")
        if page.locator("form.card").count():
            page.click("form.card button[type=submit]")
            shoot("07-staff-create-empty-submitted")
        shoot("08-password-change", "/password/")
        shoot("09-admin-index", "/admin/")
        shoot("10-admin-node-changelist", "/admin/network/node/")
        shoot("11-dossier-list", "/cases/")
        dossier_links = page.locator("table.table tbody td:first-child a")
        if dossier_links.count():
            dossier_links.first.click()
            shoot("12-dossier-detail")
        shoot("13-dossier-create", "/cases/new/")
        page.click("#dossier-form button[type=submit]")
        shoot("14-dossier-create-empty-submitted")
        shoot("15-worklist", "/cases/worklist/")
        shoot("16-notices", "/cases/notices/")
        shoot("17-dibao-standards", "/cases/standards/")
        shoot("18-admin-dossiers", "/admin/cases/household/")
        context.close()
        browser.close()


if __name__ == "__main__":
    main()
