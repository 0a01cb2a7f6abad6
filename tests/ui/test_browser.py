"""Staff UI in a real browser (Debian chromium through Playwright, see tests/conftest.py): the
転入 → 転居 → 世帯分離 → 転出 flow, a rejected entry, inline (htmx) validation, and one flow
done with the keyboard only.

The live server runs on a transactional test database; the register is checked directly after
each step, and every step is driven through the screens (no service calls in between)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from jumin.registry.models import Person, PersonVersion, Transaction

from .conftest import family_input

pytestmark = pytest.mark.browser


def login(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    expect(page.locator("h1")).to_have_text("住民検索")


def fill_person(page: Page, i: int, p: dict) -> None:
    prefix = f"#f-persons-{i}-"
    for name in ("family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "relationship",
                 "honseki", "hittosha"):
        page.fill(prefix + name, p[name])
    page.select_option(prefix + "sex", {"男": "1", "女": "2"}[p["sex"]])


def register_confirmed(page: Page) -> str:
    """On the confirmation page: 登録する; returns the 受付番号 of the result page."""
    expect(page.locator("h1")).to_contain_text("入力内容の確認")
    page.click("#confirm-form button.primary")
    number = page.locator("#document-number")
    expect(number).to_be_visible()
    return number.inner_text()


def test_move_in_move_within_split_and_move_out_through_the_screens(page: Page, staff, staff_password, town):
    login(page, "clerk01", staff_password)
    family = family_input()

    # --- 転入: three persons, the 2nd and 3rd person blocks added with htmx
    page.click("text=異動入力")
    page.click("a[data-kind=move_in]")
    expect(page.locator("h1")).to_contain_text("国内転入")
    page.fill("#f-event_date", "令和7年4月1日")
    page.fill("#f-notified_on", "令和7年4月3日")
    page.select_option("#f-address-area_code", "001001")
    page.fill("#f-address-address_number", "1番2号")
    page.fill("#f-address-katagaki", "コーポ本町101")
    page.fill("#f-previous_address-address", "東京都三鷹市下連雀一丁目1番1号")
    fill_person(page, 0, family["persons"][0])
    for i in (1, 2):
        page.click("#add-person")
        expect(page.locator(f"#f-persons-{i}-resident_type")).to_be_focused()  # focus moves to the new block
        fill_person(page, i, family["persons"][i])
    page.click("button[value=confirm]")
    summary = page.locator("#summary")
    expect(summary).to_contain_text("山田")
    expect(summary).to_contain_text("本町一丁目（001001）")
    move_in_number = register_confirmed(page)
    tx = Transaction.objects.get(document_number=move_in_number)
    assert tx.kind == "move_in" and len(tx.subjects) == 3
    head = Person.objects.get(atena_number=tx.subjects[0])
    household = head.household.number
    expect(page.locator("#subjects")).to_contain_text("山田　一郎")

    # --- 転居 of the whole household, started from the household view
    page.click(f"a.button >> text=世帯 {household}")
    expect(page.locator("#members tbody tr")).to_have_count(3)
    page.click("nav.toolbar >> text=転居")
    for atena in tx.subjects:
        expect(page.locator(f"#f-persons-{atena}")).to_be_checked()
    page.fill("#f-event_date", "令和7年5月1日")
    page.fill("#f-notified_on", "令和7年5月2日")
    page.select_option("#f-address-area_code", "002001")
    page.fill("#f-address-address_number", "3番4号")
    page.click("button[value=confirm]")
    register_confirmed(page)
    head.refresh_from_db()
    assert head.address == "東京都小金井市緑町一丁目3番4号" and head.household.number == household

    # --- 世帯分離: the son forms his own household at the same address
    page.goto(f"/households/{household}/")
    page.click("nav.toolbar >> text=世帯分離")
    son = tx.subjects[2]
    page.fill("#f-event_date", "令和7年5月10日")
    page.fill("#f-notified_on", "令和7年5月10日")
    page.check(f"#f-persons-{son}")
    page.fill(f"#f-new_relationships-{son}", "世帯主")
    page.click("button[value=confirm]")
    register_confirmed(page)
    son_person = Person.objects.get(atena_number=son)
    assert son_person.household.number != household and son_person.relationship == "世帯主"
    assert Person.objects.filter(household__number=household, status="resident").count() == 2

    # --- 転出 of the parents' household (世帯の版 is checked: started from the household view)
    page.goto(f"/households/{household}/")
    expect(page.locator("#members tbody tr")).to_have_count(2)
    page.click("nav.toolbar >> text=国内転出")
    page.fill("#f-event_date", "令和7年6月1日")
    page.fill("#f-notified_on", "令和7年6月1日")
    page.fill("#f-destination-address", "大阪府大阪市北区梅田一丁目1番1号")
    page.click("button[value=confirm]")
    expect(page.locator("#summary")).to_contain_text("大阪府大阪市北区梅田一丁目1番1号")
    register_confirmed(page)
    statuses = dict(Person.objects.filter(atena_number__in=tx.subjects).values_list("atena_number", "status"))
    assert statuses == {tx.subjects[0]: "removed", tx.subjects[1]: "removed", son: "resident"}

    # --- the histories show every step that touched each person, newest first
    page.goto(f"/persons/{head.atena_number}/")
    reasons = page.locator("#history tbody tr td:nth-child(2)").all_inner_texts()
    assert reasons == ["国内転出", "転居", "国内転入"]
    assert PersonVersion.objects.filter(atena_number=head.atena_number).count() == 3
    page.goto(f"/persons/{son}/")
    reasons = page.locator("#history tbody tr td:nth-child(2)").all_inner_texts()
    assert reasons == ["世帯分離", "転居", "国内転入"]
    expect(page.locator("#history")).to_contain_text("続柄: 子 → 世帯主")


def test_rejected_entry_shows_the_error_and_writes_nothing(page: Page, staff, staff_password, town):
    from jumin.registry import services

    result = services.submit(actor=staff, kind="move_in", data=family_input())
    household = Person.objects.get(atena_number=result.atena_numbers[0]).household.number
    versions = PersonVersion.objects.count()
    login(page, "clerk01", staff_password)
    page.goto(f"/entry/move_within/?household={household}")
    future = dt.date.today() + dt.timedelta(days=20)
    page.fill("#f-event_date", future.isoformat())
    page.select_option("#f-address-area_code", "002001")
    page.fill("#f-address-address_number", "3番4号")
    page.click("button[value=confirm]")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("異動日に未来の日付は入力できません")
    expect(summary).to_contain_text("event_date.future")
    field = page.locator("#f-event_date")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()  # focus moves to the first field in error
    expect(field).to_have_value(future.isoformat())  # nothing the clerk typed is lost
    expect(page.locator("#f-address-area_code")).to_have_value("002001")
    expect(page.locator("#f-address-address_number")).to_have_value("3番4号")
    expect(page.locator("#err-event_date")).to_contain_text("未来の日付")
    assert PersonVersion.objects.count() == versions
    assert Transaction.objects.count() == 1


def test_inline_validation_shows_issues_beside_the_field(page: Page, staff, staff_password, town):
    login(page, "clerk01", staff_password)
    page.goto("/entry/move_in/")
    page.fill("#f-event_date", "令和7年2月30日")
    page.press("#f-event_date", "Tab")
    slot = page.locator("#err-event_date")
    expect(slot).to_contain_text("date.invalid")
    expect(page.locator("#f-event_date")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#err-persons-0-family_name")).to_be_empty()  # untouched: not reported yet
    page.fill("#f-persons-0-relationship", "孫")
    page.press("#f-persons-0-relationship", "Tab")
    expect(page.locator("#err-persons-0-relationship")).to_contain_text("relationship.forbidden_term")
    page.fill("#f-event_date", "令和7年4月1日")
    page.press("#f-event_date", "Tab")
    expect(slot).to_be_empty()
    expect(page.locator("#f-event_date")).not_to_have_attribute("aria-invalid", "true")
    assert not Transaction.objects.exists()


def test_search_posts_the_criteria_and_pages_by_keyboard(page: Page, staff, staff_password, town, served):
    """The search runs with htmx as a POST: the results come without reloading, the address bar
    keeps "/", and no request URL carries a name or a birth date — paging included."""
    from jumin.registry import services

    kanji = "春夏秋冬山川海空花鳥風月雪星光雲森林竹松梅桜菊蘭菜葉根実種水火土金木石玉糸布衣食住東西南北上中下左右天地"
    persons = family_input()["persons"] + [
        {**family_input()["persons"][2], "given_name": f"{kanji[i]}子", "given_name_kana": "コ", "relationship": "子"}
        for i in range(49)]
    services.submit(actor=staff, kind="move_in", data=family_input(persons=persons))
    login(page, "clerk01", staff_password)
    page.fill("#f-kana", "やまだ は")
    page.press("#f-kana", "Enter")
    expect(page.locator("#results-table tbody tr")).to_have_count(1)
    expect(page.locator("#results-table")).to_contain_text("山田　花子")
    assert page.url.rstrip("/") == page.evaluate("location.origin")  # nothing pushed into the URL
    page.fill("#f-kana", "")
    page.fill("#f-birth_date", "平成31年5月1日")
    page.press("#f-birth_date", "Enter")
    expect(page.locator("#err-birth_date")).to_contain_text("令和元年5月1日")  # the era suggestion
    expect(page.locator("#results .error-summary")).to_be_focused()
    # 52 山田: two pages; the next page is reached with the keyboard, focus goes to the count
    page.fill("#f-birth_date", "")
    page.fill("#f-kana", "ヤマダ")
    page.press("#f-kana", "Enter")
    expect(page.locator(".results-meta")).to_contain_text("1/2ページ")
    page.fill("#f-kana", "スズキ")  # typed meanwhile: paging still pages the search shown
    _tab_to(page, "#page-next")
    page.keyboard.press("Enter")
    expect(page.locator(".results-meta")).to_contain_text("2/2ページ")
    expect(page.locator("#results-table tbody tr")).to_have_count(2)
    expect(page.locator(".results-meta")).to_be_focused()
    assert page.url.rstrip("/") == page.evaluate("location.origin")
    searches = [s for s in served if s.url.split("?")[0] == "/" and s.method == "POST"]
    assert len(searches) == 4
    assert all("?" not in s.url for s in served if s.url.split("?")[0] == "/")


def press_accesskey(page: Page, key: str) -> None:
    """Alt+<key> as Chromium receives it from a real keyboard: rawKeyDown, char, keyUp with the Alt
    modifier. Blink handles access keys on the char event, which Playwright's keyboard.press does
    not send while Alt is held, so the events go through the DevTools protocol."""
    cdp = page.context.new_cdp_session(page)
    base = {"modifiers": 1, "key": key, "code": f"Key{key.upper()}"}
    cdp.send("Input.dispatchKeyEvent", {**base, "type": "rawKeyDown", "windowsVirtualKeyCode": ord(key.upper())})
    cdp.send("Input.dispatchKeyEvent", {**base, "type": "char", "text": key, "unmodifiedText": key})
    cdp.send("Input.dispatchKeyEvent", {**base, "type": "keyUp", "windowsVirtualKeyCode": ord(key.upper())})
    cdp.detach()


def _tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab (as a keyboard user would) until ``selector`` has the focus."""
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} not reachable with Tab")


def test_keyboard_only_search_to_household_and_move(page: Page, staff, staff_password, town):
    """Login, search, open the person, go to the household (Alt+H), start a 転居, fail once (focus
    goes to the error), correct it, acknowledge the alert and register (Alt+R): keyboard only."""
    from jumin.registry import services

    result = services.submit(actor=staff, kind="move_in", data=family_input())
    page.goto("/accounts/login/")
    page.keyboard.type("clerk01")  # the user-id field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(staff_password)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("住民検索")
    expect(page.locator("#f-kana")).to_be_focused()
    page.keyboard.type("ヤマダ　タロウ")
    page.keyboard.press("Enter")
    expect(page.locator("#results-table tbody tr")).to_have_count(1)
    _tab_to(page, "#results-table a")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("山田　太郎")
    press_accesskey(page, "h")
    expect(page.locator("h1")).to_contain_text("世帯")
    _tab_to(page, "nav.toolbar a:text('転居')")
    # visible focus: the focused element gets the focus outline
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("転居")
    expect(page.locator("#f-event_date")).to_be_focused()
    press_accesskey(page, "c")  # submit with nothing entered
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#f-event_date")).to_be_focused()
    page.keyboard.type("令和7年5月1日")  # 届出日 left empty: today → 届出期間経過 alert
    _tab_to(page, "#f-address-area_code")
    page.keyboard.press("ArrowDown")  # first 町字
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # 緑町一丁目
    _tab_to(page, "#f-address-address_number")
    page.keyboard.type("3番4号")
    page.keyboard.press("Enter")  # Enter submits (確認へ進む)
    expect(page.locator("h1")).to_contain_text("入力内容の確認")
    expect(page.locator("input[name=_ack]")).to_be_focused()
    press_accesskey(page, "r")  # alert not acknowledged: the browser refuses, nothing sent
    expect(page.locator("h1")).to_contain_text("入力内容の確認")
    page.keyboard.press("Space")
    press_accesskey(page, "r")
    expect(page.locator("#document-number")).to_be_visible()
    tx = Transaction.objects.get(document_number=page.locator("#document-number").inner_text())
    assert tx.kind == "move_within" and tx.acknowledged_alerts == ["notification.late"]
    head = Person.objects.get(atena_number=result.atena_numbers[0])
    assert head.address == "東京都小金井市緑町一丁目3番4号"


def test_correction_with_the_field_chooser(page: Page, staff, staff_password, town):
    from jumin.registry import services

    result = services.submit(actor=staff, kind="move_in", data=family_input())
    wife = result.atena_numbers[1]
    login(page, "clerk01", staff_password)
    page.goto(f"/persons/{wife}/")
    page.click("nav.toolbar >> text=軽微な修正")
    expect(page.locator("h1")).to_contain_text("軽微な修正")
    page.fill("#f-event_date", "令和7年4月20日")
    page.fill("#f-notified_on", "令和7年4月20日")
    page.select_option("#f-change-field", "katagaki")
    page.click("#add-change")
    row = page.locator("#change-katagaki")
    expect(row).to_contain_text("コーポ本町101")  # the current value
    expect(page.locator("#f-changes-katagaki")).to_be_focused()
    page.keyboard.type("コーポ本町305")
    page.select_option("#f-change-field", "remarks")
    page.click("#add-change")
    page.locator("#change-remarks button").click()  # chosen by mistake: removed again
    expect(page.locator("#change-remarks")).to_have_count(0)
    page.click("button[value=confirm]")
    expect(page.locator("#summary")).to_contain_text("コーポ本町305")
    expect(page.locator("#summary")).not_to_contain_text("備考")
    register_confirmed(page)
    assert Person.objects.get(atena_number=wife).katagaki == "コーポ本町305"
    assert Person.objects.get(atena_number=result.atena_numbers[0]).katagaki == "コーポ本町101"
    page.goto(f"/persons/{wife}/")
    expect(page.locator("#history tbody tr").first).to_contain_text("方書: コーポ本町101 → コーポ本町305")


def test_resident_type_switches_between_japanese_and_foreign_items(page: Page, staff, staff_password, town):
    login(page, "clerk01", staff_password)
    page.goto("/entry/move_in/")
    expect(page.locator("#f-persons-0-honseki")).to_be_visible()
    expect(page.locator("#f-persons-0-alphabet_name")).to_be_hidden()
    page.select_option("#f-persons-0-resident_type", "foreign")
    expect(page.locator("#f-persons-0-alphabet_name")).to_be_visible()
    expect(page.locator("#f-persons-0-honseki")).to_be_hidden()
    page.goto("/entry/foreign_entry_30_46/")
    expect(page.locator("#f-persons-0-resident_type")).to_have_value("foreign")
    expect(page.locator("#f-persons-0-nationality_name")).to_be_visible()


def test_my_number_survives_an_error_without_being_shown(page: Page, staff, staff_password, town, served):
    """The clerk types a 個人番号, the form comes back with an error: the input is empty and says
    入力済み, the confirmation shows only the last 4 digits, and the number is recorded. No page
    (or htmx partial) the browser received carried it in clear (checked by ``served``)."""
    from jumin.identifiers import protection
    from jumin.identifiers import rules as idr

    number = "12345678901" + str(idr.my_number_check_digit("12345678901"))
    family = family_input()
    login(page, "clerk01", staff_password)
    page.goto("/entry/move_in/")
    page.fill("#f-event_date", "令和7年4月1日")
    page.fill("#f-notified_on", "令和7年4月3日")
    page.select_option("#f-address-area_code", "001001")
    page.fill("#f-address-address_number", "1番2号")
    page.fill("#f-previous_address-address", "東京都三鷹市下連雀一丁目1番1号")
    fill_person(page, 0, {**family["persons"][0], "relationship": "孫"})
    page.fill("#f-persons-0-my_number", number)
    with page.expect_response("**/entry/move_in/validate/"):
        page.press("#f-persons-0-my_number", "Tab")  # inline validation runs with the number typed
    page.click("button[value=confirm]")
    expect(page.locator("#error-summary")).to_contain_text("relationship.forbidden_term")
    expect(page.locator("#f-persons-0-my_number")).to_have_value("")
    expect(page.locator("#f-persons-0-my_number-hint")).to_have_text("入力済み（変更する場合は再入力）")
    page.fill("#f-persons-0-relationship", "世帯主")
    page.click("button[value=confirm]")
    expect(page.locator("#summary")).to_contain_text(idr.mask_my_number(number))
    press_accesskey(page, "b")  # 修正する: back to the form, the number still carried
    expect(page.locator("#f-persons-0-my_number-hint")).to_have_text("入力済み（変更する場合は再入力）")
    page.click("button[value=confirm]")
    register_confirmed(page)
    head = Person.objects.get(given_name="太郎")
    assert head.my_number_digest == protection.digest(number)
    page.goto(f"/persons/{head.atena_number}/")
    expect(page.locator("[data-my-number-status]")).to_have_text("登録あり")
    kinds = {s.url.split("?")[0] for s in served}
    assert {"/entry/move_in/", "/entry/move_in/validate/", "/entry/move_in/submit/",
            f"/persons/{head.atena_number}/"} <= kinds
    assert number not in page.content()
