"""Staff UI through the Django test client: every page renders and requires login, reads are
logged, and the 異動 entry flow (form → confirmation → submit) behaves as the clerk relies on:
errors shown with code and message and nothing lost, alerts acknowledged, conflicts reported,
仮登録 decided only by an approver, the 個人番号 never shown."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from jumin.audit.models import OperationLog
from jumin.identifiers import protection
from jumin.identifiers import rules as idr
from jumin.registry import services
from jumin.registry.choices import TransactionKind
from jumin.registry.models import Household, Person, PersonVersion, Transaction

from .conftest import family_input, my_numbers_in

pytestmark = pytest.mark.django_db


def flat(data: dict, prefix: str = "") -> dict:
    """Service input → entry-form field names (``persons.0.family_name`` …)."""
    out: dict = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out |= flat(value, name)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, item in enumerate(value):
                out |= flat(item, f"{name}.{i}")
        else:
            out[name] = value
    return out


def my_number(body: str = "12345678901") -> str:
    return body + str(idr.my_number_check_digit(body))


def head_of(result) -> Person:
    return Person.objects.select_related("household").get(atena_number=result.atena_numbers[0])


def confirm_and_submit(client, kind: str, fields: dict, **extra):
    """POST the entry form (confirm step), then the confirmation form as the browser would."""
    r = client.post(reverse("registry:entry", args=[kind]), {**fields, "_action": "confirm"})
    assert r.status_code == 200, _errors(r)
    carried = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', r.content.decode())
    post: dict = {}
    for name, value in carried:
        if name == "csrfmiddlewaretoken":
            continue
        post.setdefault(name, []).append(_unescape(value))
    for k, v in extra.items():
        post[k] = v
    return r, client.post(reverse("registry:entry_submit", args=[kind]), post)


def _unescape(s: str) -> str:
    import html

    return html.unescape(s)


def _errors(response) -> str:
    text = response.content.decode()
    m = re.search(r'<div class="error-summary".*?</div>', text, re.S)
    return m.group(0) if m else text[:2000]


# ------------------------------------------------------------------ login required


PAGES = [
    ("registry:search", []),
    ("registry:person", ["0000000019"]),
    ("registry:household", ["0000000019"]),
    ("registry:entry_menu", []),
    ("registry:entry", ["move_in"]),
    ("registry:entry_person_block", ["move_in"]),
    ("registry:entry_change_row", ["ex_officio_correction"]),
    ("registry:transaction", ["2026-00000001"]),
    ("registry:approvals", []),
    ("registry:approval", ["2026-00000001"]),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_every_page_requires_login(client, name, args):
    url = reverse(name, args=args)
    r = client.get(url)
    assert r.status_code == 302
    assert r["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["registry:entry_validate", "registry:entry_submit"])
def test_posts_require_login_and_write_nothing(client, town, name):
    r = client.post(reverse(name, args=["move_in"]), flat(family_input()))
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))
    assert not Transaction.objects.exists()


def test_login_page_logs_in(client, staff, staff_password, town):
    r = client.get(reverse("accounts:login"))
    assert r.status_code == 200
    assert "ログイン" in r.content.decode()
    r = client.post(reverse("accounts:login"), {"username": "clerk01", "password": staff_password})
    assert r.status_code == 302 and r["Location"] == reverse("registry:search")
    r = client.post(reverse("accounts:login"), {"username": "clerk01", "password": "wrong-password"})
    assert "職員IDまたはパスワードが正しくありません" in r.content.decode()


# ------------------------------------------------------------------ search


def search(client, criteria: dict, **headers):
    """The search as the form sends it: criteria in a POST body."""
    return client.post(reverse("registry:search"), criteria, **headers)


def test_search_page_renders_without_searching(staff_client, town):
    r = staff_client.get(reverse("registry:search"))
    assert r.status_code == 200
    text = r.content.decode()
    assert 'accesskey="s"' in text and "本町一丁目" in text  # 町字 select from Area
    assert not OperationLog.objects.filter(kind="search").exists()


def test_search_criteria_never_go_into_a_url(staff_client, family, served):
    """Names and birth dates would stay in server access logs and the browser history: the form
    is POSTed (with its CSRF token), htmx does not push the criteria into the address bar, and a
    query string with criteria is not searched."""
    text = staff_client.get(reverse("registry:search")).content.decode()
    form = re.search(r'<form [^>]*id="search-form"[^>]*>', text).group(0)
    assert 'method="post"' in form and 'hx-post="/"' in form
    assert "hx-get" not in form and "hx-push-url" not in text
    assert 'name="csrfmiddlewaretoken"' in text.split('id="search-form"')[1].split("</form>")[0]
    r = staff_client.get(reverse("registry:search"), {"kana": "ヤマダ", "birth_date": "昭和55年5月5日"})
    assert r.status_code == 200 and "山田　太郎" not in r.content.decode()
    assert not OperationLog.objects.filter(kind="search").exists()
    r = search(staff_client, {"kana": "ヤマダ", "birth_date": "昭和55年5月5日"}, HTTP_HX_REQUEST="true")
    assert "山田　太郎" in r.content.decode() and "HX-Push-Url" not in r
    assert OperationLog.objects.filter(kind="search").count() == 1
    assert (served[-1].method, served[-1].url) == ("POST", "/")
    assert "kana=" not in r.content.decode() and "birth_date=" not in r.content.decode()  # no link repeats them


def test_search_requires_the_csrf_token(staff, family):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(staff)
    r = csrf_client.post(reverse("registry:search"), {"kana": "ヤマダ"})
    assert r.status_code == 403
    assert not OperationLog.objects.filter(kind="search").exists()


def test_search_lists_residents_and_logs_who_was_shown(staff_client, staff, family):
    r = search(staff_client, {"kana": "やまだ"})
    text = r.content.decode()
    assert r.status_code == 200
    for name in ("山田　太郎", "山田　花子", "山田　一郎"):
        assert name in text
    assert "昭和55年5月5日" in text  # 和暦
    log = OperationLog.objects.get(kind="search")
    assert log.actor == staff
    assert sorted(log.target_atena_numbers) == sorted(family.atena_numbers)
    assert log.detail["count"] == 3


def test_search_htmx_returns_the_results_partial(staff_client, family):
    r = search(staff_client, {"kanji": "山田花"}, HTTP_HX_REQUEST="true")
    text = r.content.decode()
    assert "<html" not in text and 'id="results-table"' in text
    assert "山田　花子" in text and "山田　太郎" not in text
    assert 'hx-swap-oob="true"' in text  # field error slots refreshed


def test_search_errors_are_shown_inline(staff_client, family):
    r = search(staff_client, {"birth_date": "平成31年5月1日"}, HTTP_HX_REQUEST="true")
    text = r.content.decode()
    assert "date.era_out_of_range" in text
    assert re.search(r'id="err-birth_date" hx-swap-oob="true"><p class="sev-error">', text)
    r = search(staff_client, {"kana": ""})
    assert r.status_code == 422 and "search.empty" in r.content.decode()


def test_search_by_area_uses_the_area_select(staff_client, family):
    text = staff_client.get(reverse("registry:search")).content.decode()
    assert re.search(r'<select id="f-area_code" name="area_code"', text)
    assert '<option value="002001">緑町一丁目（002001）</option>' in text
    r = search(staff_client, {"area_code": "001001"})
    text = r.content.decode()
    assert "山田　太郎" in text and '<option value="001001" selected>' in text
    assert "該当する住民はいません" in search(staff_client, {"area_code": "002001"}).content.decode()


def test_search_finds_removed_only_on_request(staff_client, staff, family):
    head = head_of(family)
    services.submit(actor=staff, kind="move_out", data={
        "event_date": "令和7年5月1日", "notified_on": "令和7年5月1日", "persons": family.atena_numbers,
        "destination": {"address": "大阪府大阪市北区梅田一丁目1番1号"}})
    r = search(staff_client, {"household_number": head.household.number})
    assert "該当する住民はいません" in r.content.decode()
    r = search(staff_client, {"household_number": head.household.number, "include_removed": "on"})
    text = r.content.decode()
    assert "山田　太郎" in text and "除票" in text and "国内転出" in text


def test_search_is_paginated_by_post(staff_client, staff, town, served):
    kanji = "春夏秋冬山川海空花鳥風月雪星光雲森林竹松梅桜菊蘭菜葉根実種水火土金木石玉糸布衣食住東西南北上中下左右天地"
    persons = family_input()["persons"][:1] + [
        {**family_input()["persons"][2], "given_name": f"{kanji[i]}子", "given_name_kana": "コ", "relationship": "子"}
        for i in range(51)]
    services.submit(actor=staff, kind="move_in", data=family_input(persons=persons))
    r = search(staff_client, {"kana": "ヤマダ", "kana_match": "prefix", "include_removed": "on"})
    text = r.content.decode()
    assert "52件" in text and "1/2ページ" in text
    assert text.count("<tr>") == 51  # header + 50 rows
    pager = text.split('id="pagination"')[1].split("</form>")[0]
    assert re.search(r'<form method="post" action="/" class="pagination"', text)
    assert 'hx-post="/"' in pager and "href=" not in pager and "hx-get" not in pager
    assert 'name="csrfmiddlewaretoken"' in pager
    # the page buttons repeat the search that produced the results (not what is typed meanwhile)
    carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', pager))
    carried.pop("csrfmiddlewaretoken")
    assert carried == {"kana": "ヤマダ", "kana_match": "prefix", "include_removed": "on"}
    assert re.search(r'<button type="submit" name="page" value="2" id="page-next">', pager)
    r = search(staff_client, {**carried, "page": "2"})
    text = r.content.decode()
    assert text.count("<tr>") == 3 and "2/2ページ" in text
    assert 'name="page" value="1" id="page-prev"' in text
    assert all("page=" not in s.url and "kana" not in s.url for s in served)


# ------------------------------------------------------------------ person and household


def test_person_page_shows_the_record_and_history_without_the_my_number(staff_client, staff, town):
    number = my_number()
    persons = family_input()["persons"]
    persons[0] = {**persons[0], "my_number": number}
    result = services.submit(actor=staff, kind="move_in", data=family_input(persons=persons))
    head = head_of(result)
    r = staff_client.get(reverse("registry:person", args=[head.atena_number]))
    text = r.content.decode()
    assert r.status_code == 200
    assert number not in text and number[-4:] + "<" not in text
    assert re.search(r"data-my-number-status>登録あり<", text)
    for item in ("山田", "ヤマダ", "昭和55年5月5日", "世帯主", "東京都三鷹市下連雀一丁目1番地", head.juminhyo_code,
                 "東京都小金井市本町一丁目1番2号", "コーポ本町101", "令和7年4月3日"):
        assert item in text
    assert "国内転入" in text and result.transaction.document_number in text and "新規記載" in text
    log = OperationLog.objects.filter(function="registry.person").latest("id")
    assert log.target_atena_numbers == [head.atena_number]


def test_foreign_resident_page_shows_the_foreign_items(staff_client, staff, town):
    person = {"resident_type": "foreign", "alphabet_name": "SMITH JOHN", "birth_date": "1990-02-03", "sex": "1",
              "relationship": "世帯主", "nationality_code": "US", "nationality_name": "アメリカ合衆国",
              "foreign_category": "mid_long_term", "residence_status": "技術・人文知識・国際業務",
              "period_of_stay": "3年", "stay_expires_on": "2028-04-01", "residence_card_number": "AB12345678CD"}
    result = services.submit(actor=staff, kind="move_in_from_abroad", data=family_input(
        persons=[person], previous_address={"address": "アメリカ合衆国"}))
    r = staff_client.get(reverse("registry:person", args=[result.atena_numbers[0]]))
    text = r.content.decode()
    assert "外国人住民の記載事項" in text and "SMITH JOHN" in text and "中長期在留者" in text
    assert "1990年2月3日" in text  # 外国人住民の生年月日は西暦
    assert "戸籍の表示" not in text


def test_person_history_and_as_of(staff_client, staff, family):
    services.submit(actor=staff, kind="move_within", data={
        "event_date": "令和7年5月1日", "notified_on": "令和7年5月2日", "persons": family.atena_numbers,
        "address": {"area_code": "002001", "address_number": "3番4号"}})
    head = head_of(family)
    url = reverse("registry:person", args=[head.atena_number])
    text = staff_client.get(url).content.decode()
    assert "転居" in text
    assert re.search(r"住所: <del>東京都小金井市本町一丁目1番2号</del> → <ins>東京都小金井市緑町一丁目3番4号</ins>", text)
    text = staff_client.get(url, {"as_of": "R7.4.15"}).content.decode()
    as_of = text.split('id="as-of-result"')[1].split("異動履歴")[0]
    assert "令和7年4月15日時点の記録" in as_of and "本町一丁目1番2号" in as_of and "緑町" not in as_of
    assert OperationLog.objects.filter(function="registry.as_of", detail__as_of="2025-04-15").exists()
    text = staff_client.get(url, {"as_of": "R7.3.1"}).content.decode()
    assert "この住民の記録はありません" in text
    r = staff_client.get(url, {"as_of": "令和7年2月30日"})
    assert r.status_code == 422 and "date.invalid" in r.content.decode()


def test_person_not_found(staff_client, town):
    r = staff_client.get(reverse("registry:person", args=["0000000019"]))
    assert r.status_code == 404 and "person.not_found" in r.content.decode()


def test_household_page_lists_members_version_history_and_actions(staff_client, family):
    head = head_of(family)
    r = staff_client.get(reverse("registry:household", args=[head.household.number]))
    text = r.content.decode()
    assert r.status_code == 200
    members = text.split('id="members"')[1].split("</table>")[0]
    assert members.index("世帯主") < members.index("妻") < members.index("子")
    assert members.index("山田　太郎") < members.index("山田　花子") < members.index("山田　一郎")
    assert f'id="household-version">{head.household.version}<' in text
    assert text.count(family.transaction.document_number) >= 3  # history: one row per version
    for kind in ("move_within", "move_out", "household_split", "household_change", "head_change", "birth", "death"):
        assert f"/entry/{kind}/?household={head.household.number}" in text


# ------------------------------------------------------------------ entry forms


def test_entry_menu_lists_every_kind(staff_client, town):
    text = staff_client.get(reverse("registry:entry_menu")).content.decode()
    for kind in TransactionKind.values:
        assert f'data-kind="{kind}"' in text


@pytest.mark.parametrize("kind", TransactionKind.values)
def test_every_kind_has_an_entry_form(staff_client, family, kind):
    head = head_of(family)
    r = staff_client.get(reverse("registry:entry", args=[kind]),
                         {"household": head.household.number, "person": head.atena_number})
    assert r.status_code == 200
    text = r.content.decode()
    assert TransactionKind(kind).label in text
    assert 'accesskey="c"' in text and 'hx-post="/entry/' in text


def test_household_form_is_prefilled_with_members_and_version(staff_client, family):
    head = head_of(family)
    text = staff_client.get(reverse("registry:entry", args=["household_split"]),
                            {"household": head.household.number}).content.decode()
    for atena in family.atena_numbers:
        assert f'name="persons" value="{atena}"' in text
        assert f'name="new_relationships.{atena}"' in text
    assert f'name="_expected.{head.household.number}" value="{head.household.version}"' in text


def test_move_in_through_form_confirmation_and_submit(staff_client, staff, town):
    number = my_number()
    fields = flat(family_input())
    fields["persons.2.my_number"] = number
    fields["persons.5.resident_type"] = "japanese"  # an untouched extra block is ignored
    confirm, r = confirm_and_submit(staff_client, "move_in", fields)
    text = confirm.content.decode()
    assert "入力内容の確認" in text and "異動者 1人目 氏" in text and "本町一丁目（001001）" in text
    assert number not in text and not my_numbers_in(text)  # anywhere: summary and hidden inputs
    assert idr.mask_my_number(number) in text
    assert 'name="persons.2.my_number"' not in text and 'name="_mn.persons.2.my_number"' in text
    assert r.status_code == 302
    tx = Transaction.objects.get()
    assert r["Location"] == reverse("registry:transaction", args=[tx.document_number])
    assert tx.kind == "move_in" and tx.status == "committed" and tx.operator == staff
    assert Person.objects.filter(status="resident").count() == 3
    page = staff_client.get(r["Location"]).content.decode()
    assert tx.document_number in page and "登録しました" in page
    for atena in tx.subjects:
        assert reverse("registry:person", args=[atena]) in page
    assert Person.objects.get(atena_number=tx.subjects[2]).my_number_digest == protection.digest(number)


def test_rejected_entry_lists_every_error_and_keeps_the_input(staff_client, town):
    fields = flat(family_input())
    fields["persons.1.sex"] = ""
    fields["persons.2.relationship"] = "孫"
    fields["persons.0.birth_date"] = "昭和五十五年ごろかな"
    r = staff_client.post(reverse("registry:entry", args=["move_in"]), {**fields, "_action": "confirm"})
    assert r.status_code == 422
    text = r.content.decode()
    summary = _errors(r)
    assert "エラーが3件あります" in summary
    for code in ("date.format", "sex.invalid", "relationship.forbidden_term"):
        assert code in summary
    assert 'href="#f-persons-1-sex"' in summary and "異動者 2人目 性別" in summary
    assert re.search(r'id="f-persons-0-birth_date" name="persons.0.birth_date" value="昭和五十五年ごろかな"[^>]*aria-invalid="true"', text)
    assert 'value="山田"' in text and 'value="コーポ本町101"' in text and 'value="孫"' in text
    assert 'option value="001001" selected' in text
    assert "data-focus-first-error" in text
    assert not Transaction.objects.exists() and not Person.objects.exists()


def test_future_event_date_is_rejected(staff_client, town):
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    r = staff_client.post(reverse("registry:entry", args=["move_in"]),
                          {**flat(family_input(event_date=future)), "_action": "confirm"})
    assert r.status_code == 422
    assert "event_date.future" in _errors(r) and f'value="{future}"' in r.content.decode()
    assert not Transaction.objects.exists()


def test_submit_rejected_by_the_service_keeps_the_input(staff_client, town):
    fields = flat(family_input(event_date="令和7年2月30日"))
    r = staff_client.post(reverse("registry:entry_submit", args=["move_in"]), fields)
    assert r.status_code == 422
    assert "date.invalid" in r.content.decode() and 'value="令和7年2月30日"' in r.content.decode()
    assert not Transaction.objects.exists()


def test_alerts_must_be_acknowledged_before_commit(staff_client, town):
    fields = flat(family_input(notified_on="令和7年6月1日"))  # 届出期間経過
    confirm, r = confirm_and_submit(staff_client, "move_in", fields)
    text = confirm.content.decode()
    assert 'name="_ack" value="notification.late" required' in text
    assert r.status_code == 422 and "すべてのアラートを確認" in r.content.decode()
    assert not Transaction.objects.exists()
    _, r = confirm_and_submit(staff_client, "move_in", fields, _ack="notification.late")
    assert r.status_code == 302
    tx = Transaction.objects.get()
    assert tx.acknowledged_alerts == ["notification.late"] and tx.late_notification


def test_conflict_is_reported_with_a_link_to_reload_the_household(staff_client, staff, family):
    head = head_of(family)
    number, version = head.household.number, head.household.version
    services.submit(actor=staff, kind="head_change", data={
        "event_date": "令和7年4月10日", "notified_on": "令和7年4月10日", "household_number": number,
        "new_head": family.atena_numbers[1], "relationships": {family.atena_numbers[0]: "夫", family.atena_numbers[2]: "子"}})
    before = PersonVersion.objects.count()
    fields = {"event_date": "令和7年5月1日", "notified_on": "令和7年5月1日", "persons": family.atena_numbers,
              "address.area_code": "002001", "address.address_number": "3番4号", "_household": number,
              f"_expected.{number}": str(version)}
    r = staff_client.post(reverse("registry:entry_submit", args=["move_within"]), fields)
    assert r.status_code == 409
    text = r.content.decode()
    assert "他の職員が先に更新しました" in text and "household.conflict" in text
    assert f'href="{reverse("registry:household", args=[number])}"' in text
    assert 'value="3番4号"' in text  # input kept
    assert PersonVersion.objects.count() == before
    assert Household.objects.get(number=number).version == version + 1


def test_hold_then_approval_by_an_approver_only(client, staff, approver, family):
    head = head_of(family)
    client.force_login(staff)
    fields = {"event_date": "令和7年5月1日", "notified_on": "令和7年5月2日", "persons": [head.atena_number],
              "destination.address": "大阪府大阪市北区梅田一丁目1番1号", "new_head": family.atena_numbers[1],
              f"relationships.{family.atena_numbers[2]}": "子"}
    _, r = confirm_and_submit(client, "move_out", fields, _hold="1")
    assert r.status_code == 302
    tx = Transaction.objects.get(status="pending")
    head.refresh_from_db()
    assert head.status == "resident" and head.pending_transaction_id == tx.pk
    queue = client.get(reverse("registry:approvals")).content.decode()
    assert tx.document_number in queue and "決裁権限がないため" in queue
    # a clerk without 決裁権限: the service refuses, the page says why, nothing changes
    detail = client.get(reverse("registry:approval", args=[tx.document_number])).content.decode()
    assert "disabled" in detail and "決裁権限がありません" in detail
    r = client.post(reverse("registry:approval", args=[tx.document_number]), {"decision": "approve"})
    assert r.status_code == 403 and "permission.approve" in r.content.decode()
    tx.refresh_from_db()
    assert tx.status == "pending"
    # the approver decides
    client.force_login(approver)
    r = client.post(reverse("registry:approval", args=[tx.document_number]), {"decision": "approve", "note": "確認済み"})
    assert r.status_code == 302
    tx.refresh_from_db()
    head.refresh_from_db()
    assert tx.status == "committed" and tx.approver == approver and tx.decision_note == "確認済み"
    assert head.status == "removed"
    assert "決裁待ちの異動はありません" in client.get(reverse("registry:approvals")).content.decode()


def test_reject_with_note_and_self_approval_refused(client, approver, family):
    head = head_of(family)
    client.force_login(approver)
    fields = {"event_date": "令和7年5月1日", "notified_on": "令和7年5月2日", "persons": [family.atena_numbers[2]]}
    _, r = confirm_and_submit(client, "death", fields, _hold="1")
    tx = Transaction.objects.get(status="pending")
    r = client.post(reverse("registry:approval", args=[tx.document_number]), {"decision": "approve"})
    assert r.status_code == 403 and "decide.self_approval" in r.content.decode()
    from django.contrib.auth import get_user_model

    other = get_user_model().objects.create_user("approver02", password="x" * 12, is_approver=True)
    client.force_login(other)
    r = client.post(reverse("registry:approval", args=[tx.document_number]), {"decision": "reject", "note": "届書不備"})
    assert r.status_code == 302
    tx.refresh_from_db()
    assert tx.status == "rejected" and tx.decision_note == "届書不備"
    assert Person.objects.get(atena_number=family.atena_numbers[2]).status == "resident"
    assert head.household.number


def test_inline_validation_reports_touched_fields_out_of_band(staff_client, town):
    fields = flat(family_input(event_date="令和7年2月30日"))
    fields["persons.0.relationship"] = "孫"
    r = staff_client.post(reverse("registry:entry_validate", args=["move_in"]),
                          {**fields, "_touched": "event_date"})
    text = r.content.decode()
    assert r.status_code == 200 and "<html" not in text
    assert re.search(r'id="err-event_date" hx-swap-oob="true"><p class="sev-error">[^<]*<span class="issue-code">date.invalid', text)
    assert "relationship.forbidden_term" not in text  # not touched yet
    assert re.search(r'id="err-persons-0-relationship" hx-swap-oob="true"></div>', text)  # slot cleared
    r = staff_client.post(reverse("registry:entry_validate", args=["move_in"]),
                          {**fields, "_touched": "event_date,persons.0.relationship"})
    assert "relationship.forbidden_term" in r.content.decode()
    assert not Transaction.objects.exists()


def test_person_block_and_change_row_partials(staff_client, family):
    r = staff_client.get(reverse("registry:entry_person_block", args=["move_in"]), {"index": 3})
    text = r.content.decode()
    assert 'name="persons.3.family_name"' in text and "異動者 4人目" in text
    assert 'id="add-person" class="small" hx-swap-oob="true"' in text and "index=4" in text
    head = head_of(family)
    r = staff_client.get(reverse("registry:entry_change_row", args=["minor_correction"]),
                         {"_field": "katagaki", "person": head.atena_number})
    text = r.content.decode()
    assert 'name="_changes" value="katagaki"' in text and "コーポ本町101" in text and 'name="changes.katagaki"' in text
    r = staff_client.get(reverse("registry:entry_change_row", args=["minor_correction"]),
                         {"_field": "birth_date", "person": head.atena_number})
    assert r.status_code == 204  # not correctable with 軽微な修正


def test_correction_through_the_form(staff_client, family):
    head = head_of(family)
    fields = {"event_date": "令和7年4月20日", "notified_on": "令和7年4月20日", "persons": head.atena_number,
              "_person": head.atena_number, "_changes": "katagaki", "changes.katagaki": "コーポ本町202"}
    _, r = confirm_and_submit(staff_client, "minor_correction", fields)
    assert r.status_code == 302
    head.refresh_from_db()
    assert head.katagaki == "コーポ本町202"
    text = staff_client.get(reverse("registry:person", args=[head.atena_number])).content.decode()
    assert re.search(r"方書: <del>コーポ本町101</del> → <ins>コーポ本町202</ins>", text)


def test_cancel_from_the_history(staff_client, staff, family):
    r2 = services.submit(actor=staff, kind="death", data={
        "event_date": "令和7年5月1日", "notified_on": "令和7年5月1日", "persons": [family.atena_numbers[2]]})
    child = family.atena_numbers[2]
    text = staff_client.get(reverse("registry:person", args=[child])).content.decode()
    link = f"/entry/cancel_increase/?target={r2.transaction.document_number}&amp;person={child}"
    assert link in text
    form = staff_client.get(link.replace("&amp;", "&")).content.decode()
    assert f'value="{r2.transaction.document_number}"' in form
    _, r = confirm_and_submit(staff_client, "cancel_increase", {"target_document_number": r2.transaction.document_number})
    assert r.status_code == 302
    assert Person.objects.get(atena_number=child).status == "resident"


def test_transaction_and_approval_not_found(staff_client, town):
    assert staff_client.get(reverse("registry:transaction", args=["2026-99999999"])).status_code == 404
    assert staff_client.get(reverse("registry:approval", args=["2026-99999999"])).status_code == 404
    assert staff_client.get(reverse("registry:entry", args=["no_such_kind"])).status_code == 404


def test_foreign_resident_entry_through_the_form(staff_client, town):
    fields = {
        "event_date": "令和7年4月1日", "notified_on": "令和7年4月2日",
        "address.area_code": "002001", "address.address_number": "5番6号",
        "persons.0.resident_type": "foreign", "persons.0.alphabet_name": "NGUYEN VAN AN",
        "persons.0.birth_date": "1995-07-08", "persons.0.sex": "1", "persons.0.relationship": "世帯主",
        "persons.0.nationality_code": "VN", "persons.0.nationality_name": "ベトナム",
        "persons.0.foreign_category": "mid_long_term", "persons.0.residence_status": "技能実習",
        "persons.0.period_of_stay": "1年", "persons.0.stay_expires_on": "2026-03-31",
        "persons.0.residence_card_number": "AB12345678CD",
        "persons.0.honseki": "",  # the (hidden) 日本人 items are ignored for a foreign resident
    }
    confirm, r = confirm_and_submit(staff_client, "foreign_entry_30_46", fields)
    assert "NGUYEN VAN AN" in confirm.content.decode() and "中長期在留者" in confirm.content.decode()
    assert r.status_code == 302
    person = Person.objects.get()
    assert person.resident_type == "foreign" and person.alphabet_name == "NGUYEN VAN AN"
    assert person.stay_expires_on == dt.date(2026, 3, 31) and person.residence_card_number == "AB12345678CD"


def test_head_change_birth_and_former_surname_through_the_forms(staff_client, family):
    head, wife, son = family.atena_numbers
    number = head_of(family).household.number
    base = {"notified_on": "令和7年4月10日", "_household": number}
    _, r = confirm_and_submit(staff_client, "head_change", {
        **base, "event_date": "令和7年4月10日", "household_number": number, "new_head": wife,
        f"relationships.{head}": "夫", f"relationships.{son}": "子"})
    assert r.status_code == 302
    assert Person.objects.get(atena_number=wife).relationship == "世帯主"
    assert Person.objects.get(atena_number=head).relationship == "夫"
    _, r = confirm_and_submit(staff_client, "birth", {
        **base, "event_date": "令和7年4月8日", "household_number": number,
        "child.resident_type": "japanese", "child.family_name": "山田", "child.given_name": "二郎",
        "child.family_name_kana": "ヤマダ", "child.given_name_kana": "ジロウ", "child.birth_date": "令和7年4月8日",
        "child.sex": "1", "child.relationship": "子", "child.honseki": "東京都三鷹市下連雀一丁目1番地"})
    assert r.status_code == 302
    child = Person.objects.get(given_name="二郎")
    assert child.household.number == number and child.birth_date == dt.date(2025, 4, 8)
    _, r = confirm_and_submit(staff_client, "former_surname_entry", {
        **base, "event_date": "令和7年4月10日", "persons": wife, "former_surname": "佐藤",
        "former_surname_kana": "サトウ"})
    assert r.status_code == 302
    assert Person.objects.get(atena_number=wife).former_surname == "佐藤"


# ------------------------------------------------------------------ 個人番号 between the steps


def _inputs(text: str) -> dict[str, str]:
    """The hidden inputs of a page (what a confirmation page sends back)."""
    return {n: _unescape(v) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', text)
            if n != "csrfmiddlewaretoken"}


def _form_post(text: str, **changes) -> dict:
    """What the browser would send back from a re-rendered entry form (text inputs, selects and
    hidden inputs as rendered), with ``changes`` typed in by the clerk."""
    post: dict = {}
    for name, value in re.findall(r'<input type="(?:text|hidden)" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"', text):
        if name != "csrfmiddlewaretoken":
            post[name] = _unescape(value)
    for name, body in re.findall(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', text, re.S):
        m = re.search(r'<option value="([^"]*)" selected', body)
        post[name] = m.group(1) if m else ""
    return {**post, **changes}


def form_fields(**overrides) -> dict:
    """The family as the entry form sends it (性別 as the select's codes)."""
    fields = flat(family_input(**overrides))
    return {k: {"男": "1", "女": "2"}.get(v, v) if k.endswith(".sex") else v for k, v in fields.items()}


def test_my_number_is_never_written_back_into_a_page(staff_client, served, town):
    """個人番号 in clear in no response: the form shown again after an error leaves the input empty
    (入力済み, carried encrypted), the confirmation page carries only the token, and the result
    and person pages show 登録あり. What the clerk typed is not lost on the way."""
    number = my_number()
    form = staff_client.get(reverse("registry:entry", args=["move_in"])).content.decode()
    hint = re.search(r'<div class="hint" id="f-persons-0-my_number-hint">([^<]*)</div>', form).group(1)
    assert hint == "確認画面では下4桁のみ、照会画面では登録の有無のみ表示します"  # what the pages below show
    fields = form_fields()
    fields["persons.0.my_number"] = number
    fields["persons.2.relationship"] = "孫"  # an error: the form comes back
    r = staff_client.post(reverse("registry:entry", args=["move_in"]), {**fields, "_action": "confirm"})
    assert r.status_code == 422 and "relationship.forbidden_term" in r.content.decode()
    text = r.content.decode()
    assert re.search(r'id="f-persons-0-my_number" name="persons.0.my_number" value=""', text)
    assert "入力済み（変更する場合は再入力）" in text
    token = _inputs(text)["_mn.persons.0.my_number"]
    assert token and number not in token
    # the clerk corrects the 続柄 only; the number comes along as its token
    r = staff_client.post(reverse("registry:entry", args=["move_in"]),
                          {**_form_post(text, **{"persons.2.relationship": "子"}), "_action": "confirm"})
    assert r.status_code == 200, _errors(r)
    confirm = r.content.decode()
    assert idr.mask_my_number(number) in confirm
    # back to the form (修正する) and forward again: still carried, still not shown
    carried = _inputs(confirm)
    r = staff_client.post(reverse("registry:entry", args=["move_in"]), {**carried, "_action": "edit"})
    assert r.status_code == 200 and "入力済み（変更する場合は再入力）" in r.content.decode()
    assert re.search(r'name="persons.0.my_number" value=""', r.content.decode())
    r = staff_client.post(reverse("registry:entry_submit", args=["move_in"]), carried)
    assert r.status_code == 302
    tx = Transaction.objects.get()
    head = Person.objects.get(atena_number=tx.subjects[0])
    assert head.my_number_digest == protection.digest(number)
    result = staff_client.get(r["Location"]).content.decode()
    assert tx.document_number in result
    person = staff_client.get(reverse("registry:person", args=[head.atena_number])).content.decode()
    assert re.search(r"data-my-number-status>登録あり<", person)
    pages = [s for s in served if s.status < 400 or s.status == 422]
    assert len(pages) == 7  # empty form, error form, confirmation, form again, submit, result, person page
    assert not any(my_numbers_in(s.body) for s in served)
    assert not any(number in s.body or number[:4] + " " + number[4:8] in s.body for s in served)


def test_a_rejected_submit_keeps_the_my_number_sealed(staff_client, town):
    number = my_number()
    fields = form_fields()
    fields["persons.0.my_number"] = number
    confirm = staff_client.post(reverse("registry:entry", args=["move_in"]), {**fields, "_action": "confirm"})
    assert confirm.status_code == 200
    # the service refuses at submit (here: a date altered on the way, as any late rule error)
    r = staff_client.post(reverse("registry:entry_submit", args=["move_in"]),
                          {**_inputs(confirm.content.decode()), "event_date": "令和7年2月30日"})
    assert r.status_code == 422 and "date.invalid" in r.content.decode()
    text = r.content.decode()
    assert 'name="persons.0.my_number" value=""' in text and "_mn.persons.0.my_number" in text
    assert not Transaction.objects.exists()


@pytest.mark.parametrize("how", ["altered", "another_field", "another_clerk", "not_a_token"])
def test_a_tampered_my_number_token_is_refused(staff_client, staff, approver, town, how):
    number = my_number()
    fields = {**form_fields(), "persons.0.my_number": number}
    r = staff_client.post(reverse("registry:entry", args=["move_in"]), {**fields, "_action": "confirm"})
    carried = _inputs(r.content.decode())
    token = carried["_mn.persons.0.my_number"]
    if how == "altered":
        key, body = token.split(":", 1)
        carried["_mn.persons.0.my_number"] = f"{key}:{body[:40]}{'A' if body[40] != 'A' else 'B'}{body[41:]}"
    elif how == "another_field":
        del carried["_mn.persons.0.my_number"]
        carried["_mn.persons.1.my_number"] = token
    elif how == "another_clerk":
        staff_client.force_login(approver)
    else:
        carried["_mn.persons.0.my_number"] = protection.encrypt(number)  # e.g. a stored ciphertext
    r = staff_client.post(reverse("registry:entry_submit", args=["move_in"]), carried)
    assert r.status_code == 422
    text = r.content.decode()
    assert "my_number.token_invalid" in text and "個人番号を再入力してください" in text
    field = "persons.1.my_number" if how == "another_field" else "persons.0.my_number"
    assert f'href="#f-{field.replace(".", "-")}"' in _errors(r)
    assert not Transaction.objects.exists() and not Person.objects.exists()
    # the confirmation step refuses it as well (it would otherwise go on without the number)
    r = staff_client.post(reverse("registry:entry", args=["move_in"]), {**carried, "_action": "confirm"})
    assert r.status_code == 422 and "my_number.token_invalid" in r.content.decode()


def test_a_carried_my_number_can_be_retyped_or_dropped(staff_client, town):
    first, second = my_number("12345678901"), my_number("98765432109")
    fields = {**form_fields(), "persons.0.my_number": first}
    r = staff_client.post(reverse("registry:entry", args=["move_in"]), {**fields, "_action": "edit"})
    text = r.content.decode()
    assert 'name="_mn_drop.persons.0.my_number"' in text and "入力済みの番号を取り消す" in text
    # typed again: the new number wins
    r = staff_client.post(reverse("registry:entry", args=["move_in"]),
                          {**_form_post(text, **{"persons.0.my_number": second}), "_action": "confirm"})
    assert idr.mask_my_number(second) in r.content.decode()
    # dropped: recorded without a number
    r = staff_client.post(reverse("registry:entry", args=["move_in"]),
                          {**_form_post(text, **{"_mn_drop.persons.0.my_number": "1"}), "_action": "confirm"})
    confirm = r.content.decode()
    assert r.status_code == 200 and "_mn.persons.0.my_number" not in confirm and "**** ****" not in confirm
    r = staff_client.post(reverse("registry:entry_submit", args=["move_in"]), _inputs(confirm))
    assert r.status_code == 302
    assert Person.objects.get(given_name="太郎").my_number_digest == ""


def test_my_number_correction_through_the_form(staff_client, family):
    head = head_of(family)
    number = my_number()
    fields = {"event_date": "令和7年2月30日", "notified_on": "令和7年4月20日", "persons": head.atena_number,
              "_person": head.atena_number, "_changes": "my_number", "changes.my_number": number}  # an error: the form comes back with the change row
    r = staff_client.post(reverse("registry:entry", args=["ex_officio_correction"]), {**fields, "_action": "confirm"})
    text = r.content.decode()
    assert r.status_code == 422 and "date.invalid" in text
    assert 'name="changes.my_number" value=""' in text and "入力済み（変更する場合は再入力）" in text
    post = _form_post(text, event_date="令和7年4月20日")
    assert post["_changes"] == "my_number" and post["changes.my_number"] == ""
    r = staff_client.post(reverse("registry:entry", args=["ex_officio_correction"]), {**post, "_action": "confirm"})
    assert r.status_code == 200, _errors(r)
    assert idr.mask_my_number(number) in r.content.decode()
    r = staff_client.post(reverse("registry:entry_submit", args=["ex_officio_correction"]), _inputs(r.content.decode()))
    assert r.status_code == 302
    head.refresh_from_db()
    assert head.my_number_digest == protection.digest(number)


def test_the_leak_guard_finds_a_my_number_however_it_is_written():
    number = my_number()
    assert my_numbers_in(f'<input value="{number}">') == [number]
    assert my_numbers_in(f"{number[:4]} {number[4:8]} {number[8:]}") == [number]
    assert my_numbers_in(number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))) == [number]
    assert my_numbers_in(f"9{number}9") == [number]
    assert my_numbers_in("**** **** " + number[8:]) == []
    assert my_numbers_in("2026-00000001 0000000019 " + number[:11] + str((int(number[11]) + 1) % 10)) == []


def test_move_in_from_abroad_without_a_previous_address(staff_client, town):
    text = staff_client.get(reverse("registry:entry", args=["move_in_from_abroad"])).content.decode()
    assert not re.search(r'name="previous_address.address"[^>]*aria-required', text)
    assert "「国外」と記録されます" in text
    fields = {k: v for k, v in form_fields().items() if not k.startswith(("previous_address.", "persons.1", "persons.2"))}
    _, r = confirm_and_submit(staff_client, "move_in_from_abroad", fields)
    assert r.status_code == 302
    assert Person.objects.get().prev_address == "国外"


def test_foreign_birth_without_a_category_through_the_form(staff_client, staff, town):
    person = {"resident_type": "foreign", "alphabet_name": "SMITH JOHN", "birth_date": "1990-02-03", "sex": "1",
              "relationship": "世帯主", "nationality_code": "US", "nationality_name": "アメリカ合衆国",
              "foreign_category": "mid_long_term", "residence_status": "技術・人文知識・国際業務",
              "period_of_stay": "3年", "stay_expires_on": "2028-04-01", "residence_card_number": "AB12345678CD"}
    result = services.submit(actor=staff, kind="move_in_from_abroad", data=family_input(
        persons=[person], previous_address={"address": "アメリカ合衆国"}))
    number = Person.objects.get().household.number
    text = staff_client.get(reverse("registry:entry", args=["birth"]), {"household": number}).content.decode()
    assert not re.search(r'name="child.foreign_category"[^>]*aria-required', text) and "空欄は出生による経過滞在者" in text
    _, r = confirm_and_submit(staff_client, "birth", {
        "event_date": "令和7年4月8日", "notified_on": "令和7年4月10日", "household_number": number,
        "_household": number, "child.resident_type": "foreign", "child.alphabet_name": "SMITH ANNA",
        "child.birth_date": "2025-04-08", "child.sex": "2", "child.relationship": "子",
        "child.nationality_code": "US", "child.nationality_name": "アメリカ合衆国"})
    assert r.status_code == 302
    child = Person.objects.exclude(atena_number=result.atena_numbers[0]).get()
    assert child.foreign_category == "transitional_birth"
