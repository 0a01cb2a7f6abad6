"""``jumin apply FILE.jsonl --actor USERNAME``: each line through services.submit in its own
database transaction; one result line per entry; a bad line does not stop the others."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from jumin.audit.models import OperationLog
from jumin.registry.models import Person, Transaction

pytestmark = pytest.mark.django_db


def _write(tmp_path, lines: list) -> str:
    path = tmp_path / "idou.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                    encoding="utf-8")
    return str(path)


def _run(*args) -> tuple[list[str], str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    failure = None
    try:
        call_command("apply", *args, stdout=out, stderr=err)
    except CommandError as exc:
        failure = exc
    return out.getvalue().splitlines(), err.getvalue(), failure


def _single(move_in_data, given="太郎", kana="タロウ", **overrides) -> dict:
    person = {**move_in_data()["persons"][1], "given_name": given, "given_name_kana": kana, "relationship": "世帯主"}
    return move_in_data(persons=[person], **overrides)


def _line(tx: Transaction) -> str:
    return f"{tx.document_number}\t{','.join(tx.subjects)}"


def test_good_and_bad_lines(tmp_path, town, staff, move_in_data):
    late = {"notified_on": "令和7年5月1日"}  # 30 days after the 異動日: alert notification.late
    path = _write(tmp_path, [
        {"kind": "move_in", "data": move_in_data(), "ref": "A-1"},                                   # 1 OK
        '{"kind": "move_in", "data": ',                                                               # 2 invalid JSON
        "",                                                                                           # 3 blank: skipped
        {"kind": "teleport", "data": {}},                                                             # 4 unknown kind
        {"kind": "move_in", "data": _single(move_in_data, address={"area_code": "999999", "address_number": "1"})},  # 5 rule error
        {"kind": "move_in", "data": _single(move_in_data, "次郎", "ジロウ", **late)},                  # 6 alert not acknowledged
        {"kind": "move_in", "data": _single(move_in_data, "三郎", "サブロウ", **late),
         "acknowledged_alerts": ["notification.late"]},                                               # 7 OK
        ["not", "an", "object"],                                                                      # 8 not an object
        {"kind": "move_in", "data": _single(move_in_data, "四郎", "シロウ"), "acknowledge": True},     # 9 unknown key
    ])
    lines, err, failure = _run(path, "--actor", staff.username)

    first, seventh = Transaction.objects.order_by("pk")
    assert lines == [
        f"1\tOK\t{_line(first)}\tA-1",
        "2\tERROR\tbatch.invalid_json\t\tJSONとして読み取れません（Expecting value、29文字目）。",
        "4\tERROR\tkind.unknown\tkind\t異動事由が正しくありません。",
        "5\tERROR\taddress.area_unknown\taddress.area_code\t町字コードが住所辞書にありません。",
        "6\tALERT\tnotification.late\tnotified_on\t異動日から14日を超えた届出です（届出期間経過）。確認のうえ受理してください。",
        f"7\tOK\t{_line(seventh)}",
        "8\tERROR\tbatch.not_object\t\t1行に1件のJSONオブジェクトを書いてください。",
        "9\tERROR\tbatch.unknown_key\tacknowledge\t不明な項目です。",
        "SUMMARY\ttotal=8\tok=2\tfailed=6",
    ]
    assert failure is not None and failure.returncode == 1
    assert "8件中6件" in str(failure)
    # what the OK lines say is what was written, by the actor, through the batch channel
    assert len(first.subjects) == 3 and len(seventh.subjects) == 1
    assert Person.objects.count() == 4
    assert {(t.operator, t.channel, t.status) for t in (first, seventh)} == {(staff, "batch", "committed")}
    assert seventh.acknowledged_alerts == ["notification.late"]
    assert OperationLog.objects.filter(kind="write", actor=staff, channel="batch", result="ok").count() == 2


def test_all_ok_exits_0(tmp_path, town, staff, move_in_data):
    path = _write(tmp_path, [{"kind": "move_in", "data": move_in_data()}])
    lines, err, failure = _run(path, "--actor", staff.username)
    assert failure is None
    tx = Transaction.objects.get()
    assert lines == [f"1\tOK\t{_line(tx)}", "SUMMARY\ttotal=1\tok=1\tfailed=0"]
    assert "すべて受理" in err


def test_exit_status_from_the_command_line(tmp_path, town, staff, move_in_data):
    path = _write(tmp_path, ["{"])
    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["jumin", "apply", path, "--actor", staff.username])
    assert exc.value.code == 1


def test_one_error_line_per_issue(tmp_path, town, staff, move_in_data):
    data = move_in_data()
    data["persons"][0]["sex"] = "?"
    data["persons"][1]["relationship"] = ""
    lines, _, failure = _run(_write(tmp_path, [{"kind": "move_in", "data": data}]), "--actor", staff.username)
    assert lines == [
        "1\tERROR\tsex.invalid\tpersons.0.sex\t性別は「男」または「女」を選択してください。",
        "1\tERROR\trelationship.empty\tpersons.1.relationship\t続柄を入力してください。",
        "SUMMARY\ttotal=1\tok=0\tfailed=1",
    ]
    assert Transaction.objects.count() == 0


def test_a_later_line_sees_the_earlier_ones(tmp_path, town, staff, move_in_data):
    """Lines are applied in order, each committed before the next: the second line moves the
    persons the first recorded, and the third repeats the first (二重記載) and fails."""
    path = _write(tmp_path, [{"kind": "move_in", "data": move_in_data()}])
    _run(path, "--actor", staff.username)
    atenas = Transaction.objects.get().subjects
    path = _write(tmp_path, [
        {"kind": "move_within", "data": {"event_date": "令和7年5月1日", "notified_on": "令和7年5月2日", "persons": atenas,
                                         "address": {"area_code": "002001", "address_number": "3番4号"}}},
        {"kind": "move_in", "data": move_in_data()},
    ])
    lines, _, failure = _run(path, "--actor", staff.username)
    moved = Transaction.objects.get(kind="move_within")
    assert lines[0] == f"1\tOK\t{_line(moved)}"
    assert lines[1].startswith("2\tERROR\tmove_in.already_registered\tpersons.0\t")
    assert Person.objects.get(atena_number=atenas[0]).area.code == "002001"


def test_hold_enters_every_line_as_pending(tmp_path, town, staff, move_in_data):
    lines, _, failure = _run(_write(tmp_path, [{"kind": "move_in", "data": move_in_data()}]),
                             "--actor", staff.username, "--hold")
    tx = Transaction.objects.get()
    assert failure is None
    assert tx.status == "pending"
    assert lines[0] == f"1\tOK\t{tx.document_number}\t"  # new persons are numbered when approved
    assert Person.objects.count() == 0


def test_acknowledge_alerts_records_the_acknowledged_codes(tmp_path, town, staff, move_in_data):
    data = move_in_data(notified_on="令和7年5月1日")
    lines, _, failure = _run(_write(tmp_path, [{"kind": "move_in", "data": data}]),
                             "--actor", staff.username, "--acknowledge-alerts")
    assert failure is None
    tx = Transaction.objects.get()
    assert tx.acknowledged_alerts == ["notification.late"]
    assert lines[0].startswith(f"1\tOK\t{tx.document_number}\t")


@pytest.mark.parametrize("username", ["nobody", "retired"])
def test_actor_must_exist_and_be_active(tmp_path, town, django_user_model, move_in_data, username):
    django_user_model.objects.create_user(username="retired", password="x" * 12, is_active=False)
    path = _write(tmp_path, [{"kind": "move_in", "data": move_in_data()}])
    with pytest.raises(CommandError, match=username):
        call_command("apply", path, "--actor", username, stdout=io.StringIO())
    assert Transaction.objects.count() == 0


def test_missing_file(town, staff, tmp_path):
    with pytest.raises(CommandError, match="ファイルを開けません"):
        call_command("apply", str(tmp_path / "none.jsonl"), "--actor", staff.username)


def test_invalid_envelope_values(tmp_path, town, staff, move_in_data):
    path = _write(tmp_path, [
        {"kind": "move_in", "data": move_in_data(), "acknowledged_alerts": "notification.late"},
        {"kind": "move_in", "data": move_in_data(), "hold": "yes"},
        {"kind": ["move_in"], "data": move_in_data()},
    ])
    lines, _, _ = _run(path, "--actor", staff.username)
    assert lines[:3] == [
        "1\tERROR\tbatch.invalid_value\tacknowledged_alerts\tアラートのコードの配列で指定してください。",
        "2\tERROR\tbatch.invalid_value\thold\ttrue または false で指定してください。",
        "3\tERROR\tkind.unknown\tkind\t異動事由が正しくありません。",
    ]
    assert Transaction.objects.count() == 0
