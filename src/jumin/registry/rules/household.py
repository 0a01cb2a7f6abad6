"""Household composition rules (標準仕様書 j490 世帯主不在, j720 世帯変更, j730 続柄設定)."""

from __future__ import annotations

from jumin.core.errors import Issue, RuleError, error

HEAD = "世帯主"


def relationship_required(field: str) -> Issue:
    """A member whose 世帯主 changes, or who joins or forms a household, needs a 続柄 to that
    household's 世帯主 (住基法第7条第4号, 標準仕様書 j730). One code, one message."""
    return error("household.relationship_required", "世帯主との続柄を入力してください。", field)


def two_heads(field: str) -> Issue:
    """A household has exactly one 世帯主 (住基法第7条第4号). One code, one message."""
    return error("household.two_heads", "世帯主は1世帯に1人です（既に世帯主がいる世帯では、世帯主以外の続柄を入力してください）。", field)


def remaining_head_changes(
    members: dict[str, dict],
    leaving: set[str],
    *,
    new_head: str | None,
    relationships: dict[str, str],
) -> tuple[dict[str, dict[str, str]], list[Issue]]:
    """Decide what happens to the members who stay when some leave a household.

    ``members`` maps 宛名番号 → current record of every current member. Returns per staying
    member the fields to change ({"relationship": ...}) and the issues.

    標準仕様書 j490: when the 世帯主 leaves and exactly one member remains, that member becomes
    世帯主 ex officio; when two or more remain, a new 世帯主 must be designated (世帯主変更) and
    the others' 続柄 re-expressed relative to the new head (j730) — otherwise the entry is an error.
    """
    staying = [a for a in members if a not in leaving]
    head_leaves = any(members[a]["relationship"] == HEAD for a in leaving)
    changes: dict[str, dict[str, str]] = {}
    if not head_leaves or not staying:
        return changes, []
    if len(staying) == 1:
        changes[staying[0]] = {"relationship": HEAD}
        return changes, []
    if not new_head:
        return changes, [
            error(
                "household.head_missing",
                "世帯主が異動し、2人以上の世帯員が残ります。新しい世帯主を指定してください（世帯主変更）。",
                "new_head",
            )
        ]
    if new_head not in staying:
        return changes, [
            error("household.new_head_not_member", "新しい世帯主は残る世帯員から選んでください。", "new_head")
        ]
    issues = []
    changes[new_head] = {"relationship": HEAD}
    for atena in staying:
        if atena == new_head:
            continue
        rel = relationships.get(atena)
        if not rel:
            issues.append(relationship_required(f"relationships.{atena}"))
        elif rel == HEAD:
            issues.append(two_heads(f"relationships.{atena}"))
        else:
            changes[atena] = {"relationship": rel}
    return changes, issues


def check_single_head(relationships: list[tuple[str, str]]) -> list[Issue]:
    """A household has exactly one 世帯主 (住基法第7条第4号)."""
    heads = [field for field, rel in relationships if rel == HEAD]
    if len(heads) == 1:
        return []
    if not heads:
        return [error("household.no_head", "世帯主を1人指定してください。", "persons")]
    return [two_heads(heads[1])]


def standard_order_key(relationship: str, birth_date, atena_number: str) -> tuple:
    """世帯員の並び順 (標準仕様書 j1010): 世帯主, 配偶者, 世帯主の子 (by birth date), the families of the
    children, 父母・兄弟姉妹・祖父母, other kin, 縁故者, 同居人; within a rank by birth date, then
    宛名番号. An unknown birth date (年月日不詳) sorts last within its rank."""
    from .relationship import rank_for_certificate_order

    try:
        rank = rank_for_certificate_order(relationship)
    except (RuleError, ValueError):  # an unparsable legacy value sorts last, never breaks a listing
        rank = (9, 0)
    return (rank, birth_date is None, birth_date or "", atena_number)
