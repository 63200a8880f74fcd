"""The Content-Security-Policy forbids inline script and style everywhere, and every page still
works under it in a real browser: the chat (sending, streaming, the markdown), the log-in and
sign-up pages, the admin with the review pages and the dashboard, and the API docs. Any
violation the browser reports fails the test."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_admin_review import ended_conversation, serve_static_locally
from tests.browser.test_chat import composer, send

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample || ''}`);
});
"""


def visit(tab, path: str):
    """Open a page with the violation recorder; returns the document's response."""
    tab.page.context.add_init_script(RECORD_VIOLATIONS)
    response = tab.goto(path)
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    assert "unsafe-inline" not in policy
    return response


def violations(tab) -> list[str]:
    return tab.page.evaluate("window.__cspViolations")


def test_the_chat_works_under_the_policy_with_no_violation(open_browser_tab, owner):
    tab = open_browser_tab(owner)
    visit(tab, "/")
    expect(composer(tab.page)).to_be_visible()
    send(tab.page, "Show me a **bold** word and a `code` span, please.")
    expect(tab.page.locator("li.message.assistant").last).not_to_be_empty()
    assert violations(tab) == []
    assert tab.page_errors == []


def test_the_log_in_and_sign_up_pages_have_no_violation(open_browser_tab):
    tab = open_browser_tab()
    for path in ("/accounts/login/", "/accounts/signup/"):
        visit(tab, path)
        expect(tab.page.get_by_label("Password").first).to_be_visible()
        assert violations(tab) == [], path


def test_the_admin_and_the_review_pages_work_under_the_policy(open_browser_tab, staff_user, owner):
    event = ended_conversation(owner)
    tab = open_browser_tab(staff_user)
    serve_static_locally(tab.page)
    for path in ("/admin/", "/admin/moderation/endevent/", f"/admin/moderation/endevent/{event.pk}/change/", "/admin/moderation/dashboard/"):
        visit(tab, path)
        expect(tab.page.locator("#content")).to_be_visible()
        assert violations(tab) == [], path
    # The review page's own stylesheet applied (it used to be an inline <style>).
    visit(tab, f"/admin/moderation/endevent/{event.pk}/change/")
    assert tab.page.locator("li.turn").first.evaluate("element => getComputedStyle(element).listStyleType") == "none"
    # The admin's scripts run: the action bar's select-all checkbox selects every row.
    visit(tab, "/admin/moderation/endevent/")
    tab.page.locator("#action-toggle").check()
    expect(tab.page.locator("input.action-select").first).to_be_checked()
    assert violations(tab) == []


def test_the_api_docs_render_under_the_policy(open_browser_tab, owner):
    tab = open_browser_tab(owner)
    visit(tab, "/api/v1/docs/")
    expect(tab.page.locator(".opblock").first).to_be_visible()
    assert violations(tab) == []
