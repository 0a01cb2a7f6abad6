import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from jumin.identifiers import protection

NUMBER = "123456789018"


@pytest.fixture
def key_dir(tmp_path, settings):
    settings.JUMIN_KEY_DIR = tmp_path / "keys"
    protection.reset_cache()
    yield settings.JUMIN_KEY_DIR
    protection.reset_cache()


def test_ciphertext_carries_a_key_id_and_reveals_nothing(key_dir, settings):
    settings.JUMIN_AUTO_CREATE_KEYS = True
    cipher = protection.encrypt(NUMBER)
    assert cipher.startswith("k1:") and NUMBER not in cipher
    assert protection.decrypt(cipher) == NUMBER
    assert protection.digest(NUMBER) == protection.digest(NUMBER) != protection.digest("621498320257")
    assert NUMBER not in protection.digest(NUMBER)


def test_production_refuses_to_invent_keys(key_dir, settings):
    settings.JUMIN_AUTO_CREATE_KEYS = False
    with pytest.raises(ImproperlyConfigured):
        protection.encrypt(NUMBER)
    assert not key_dir.exists()
    call_command("createkeys")
    assert protection.decrypt(protection.encrypt(NUMBER)) == NUMBER


def test_createkeys_never_overwrites(key_dir, settings):
    settings.JUMIN_AUTO_CREATE_KEYS = False
    call_command("createkeys")
    cipher = protection.encrypt(NUMBER)
    call_command("createkeys")
    protection.reset_cache()
    assert protection.decrypt(cipher) == NUMBER
