"""個人番号 at rest: application-level encryption with keys kept outside the database.

A database dump alone reveals nothing: the ciphertext is Fernet (AES-128-CBC + HMAC-SHA256)
under a key read from ``JUMIN_KEY_DIR`` (default ``var/keys``; in production a mounted secret),
prefixed with the key id so keys can be rotated (番号法第12条 安全管理措置). Lookups by number use
a keyed HMAC-SHA256 digest (a plain hash of a 12-digit number with a check digit is trivially
brute-forced; a keyed one is not without the key)."""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID_FILE = "my_number.current"


def _key_dir() -> Path:
    return Path(settings.JUMIN_KEY_DIR)


def create_keys() -> bool:
    """Create the key directory and the first keys if there are none. Returns True if created.
    Existing keys are never overwritten (that would make every stored number unreadable)."""
    d = _key_dir()
    d.mkdir(parents=True, exist_ok=True)
    os.chmod(d, 0o700)
    current_file = d / KEY_ID_FILE
    if current_file.exists():
        return False
    (d / "my_number.k1").write_bytes(Fernet.generate_key())
    (d / "my_number.hmac").write_bytes(os.urandom(32).hex().encode())
    for f in d.iterdir():
        f.chmod(0o600)
    current_file.write_text("k1")
    _keys.cache_clear()
    return True


@lru_cache(maxsize=1)
def _keys() -> tuple[str, dict[str, bytes], bytes]:
    """Returns (current key id, {key id: fernet key}, hmac key).

    In the embedded mode keys are created on first use. In production
    (``JUMIN_AUTO_CREATE_KEYS`` false) missing keys are a configuration error: silently creating
    new keys over a wrongly mounted directory would make stored numbers unreadable and blind the
    duplicate check. Create them once with ``jumin createkeys``."""
    d = _key_dir()
    current_file = d / KEY_ID_FILE
    if not current_file.exists():
        if not getattr(settings, "JUMIN_AUTO_CREATE_KEYS", False):
            raise ImproperlyConfigured(
                f"個人番号の暗号鍵が {d} にありません。鍵の保管場所（JUMIN_KEY_DIR）を確認し、"
                "初回のみ jumin createkeys で作成してください。"
            )
        create_keys()
    keys = {p.suffix[1:]: p.read_bytes().strip() for p in d.glob("my_number.k*")}
    return current_file.read_text().strip(), keys, (d / "my_number.hmac").read_bytes().strip()


def encrypt(my_number: str) -> str:
    if not my_number:
        return ""
    key_id, keys, _ = _keys()
    return f"{key_id}:{Fernet(keys[key_id]).encrypt(my_number.encode()).decode()}"


class InvalidCiphertext(ValueError):
    """A ciphertext that is malformed, altered, or made under a key this installation lacks."""


def decrypt(cipher: str) -> str:
    if not cipher:
        return ""
    key_id, sep, token = cipher.partition(":")
    _, keys, _ = _keys()
    if not sep or key_id not in keys:
        raise InvalidCiphertext("個人番号の復号に失敗しました（鍵を確認してください）。")
    try:
        return Fernet(keys[key_id]).decrypt(token.encode()).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise InvalidCiphertext("個人番号の復号に失敗しました（鍵を確認してください）。") from exc


def digest(my_number: str) -> str:
    if not my_number:
        return ""
    _, _, hkey = _keys()
    return hmac.new(hkey, my_number.encode(), hashlib.sha256).hexdigest()


def reset_cache() -> None:
    _keys.cache_clear()
