"""Field encryption for resident ID numbers at rest (SECURITY.md T23).

- ``encrypt()`` / ``decrypt()``: AES-256-GCM with a fresh 96-bit nonce per value. A ciphertext is written as
  ``<key id>$<base64url(nonce + ciphertext + tag)>``; the key id (8 hex characters derived from the key, never the
  key) tells which of the configured keys made it.
- Every value is bound to its column: the associated data is ``"<app_label>.<model_name>.<field>"``
  (``column_context()``), so a ciphertext copied into another column (a person's ID number into a certificate
  number, or into another table) fails the tag check and reads as ``Undecryptable``. It is not bound to its row
  (the primary key does not exist yet when a row is inserted): within one column, swapping two rows' ciphertexts
  is not detected (their blind indexes would then disagree with them).
- ``settings.FIELD_ENCRYPTION_KEY`` is a list of base64 keys of 32 bytes: the first encrypts, every one decrypts, so a
  new key is put first, ``manage.py rotate_field_keys`` re-encrypts the rows, and then the old key is removed.
- ``blind_index()``: HMAC-SHA256 with the separate ``settings.FIELD_HMAC_KEY`` over the canonical form of the value,
  stored next to the ciphertext so that equality lookups and unique constraints work without decrypting. It is
  written in base64url (43 characters): a hexadecimal digest can contain 18 digits in a row and would then look like
  an ID number to the privacy scanners.

A value that cannot be decrypted (a database restored without its keys) comes back as ``Undecryptable``: a string
that reads "〔无法解密〕" and keeps the ciphertext, so pages still render and saving the row writes the ciphertext
back unchanged.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

from .config import fail

logger = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12
SEPARATOR = "$"
UNDECRYPTABLE_TEXT = "〔无法解密〕"
ENCRYPTION_KEY_SETTING = "FIELD_ENCRYPTION_KEY"
HMAC_KEY_SETTING = "FIELD_HMAC_KEY"


class DecryptionError(Exception):
    """The value was not made by any configured key, or it was altered."""


class Undecryptable(str):
    """What an encrypted field holds when its ciphertext cannot be decrypted with the configured keys."""

    ciphertext: str

    def __new__(cls, ciphertext: str) -> Undecryptable:
        value = super().__new__(cls, UNDECRYPTABLE_TEXT)
        value.ciphertext = ciphertext
        return value

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return (Undecryptable, (self.ciphertext,))


# Keys ---------------------------------------------------------------------------------------------------------------


def decode_key(value: str, variable: str) -> bytes:
    """A base64 (standard or URL-safe) key of exactly 32 bytes, or the start-up error naming the variable (the value
    itself is never shown)."""
    text = (value or "").strip()
    try:
        raw = base64.b64decode(text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise fail(
            variable,
            value,
            "应为 base64 编码的 32 字节随机密钥"
            "（可用 manage.py rotate_field_keys --new-key 或 openssl rand -base64 32 生成）",
            secret=True,
        )
    return raw


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def local_key(path: Path) -> str:
    """Development and tests only: a random key kept in ``path`` (var/, never committed), created once. Several
    processes may start at the same moment; the first link wins and everyone reads the same file."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        temporary.write_text(new_key())
        temporary.chmod(0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


def key_id(key: bytes) -> str:
    return hmac.new(key, b"safetyportal field key id", hashlib.sha256).hexdigest()[:8]


def _setting_keys() -> tuple[tuple[str, ...], str]:
    from django.conf import settings

    keys = getattr(settings, ENCRYPTION_KEY_SETTING, None)
    if isinstance(keys, str):
        keys = [k for k in keys.split(",") if k.strip()]
    return tuple(keys or ()), getattr(settings, HMAC_KEY_SETTING, "") or ""


@functools.lru_cache(maxsize=8)
def _ciphers(keys: tuple[str, ...]) -> tuple[tuple[str, AESGCM], ...]:
    if not keys:
        raise ImproperlyConfigured(f"未配置 {ENCRYPTION_KEY_SETTING}，无法加密或解密身份证号码。")
    decoded = [decode_key(key, ENCRYPTION_KEY_SETTING) for key in keys]
    return tuple((key_id(raw), AESGCM(raw)) for raw in decoded)


@functools.lru_cache(maxsize=8)
def _hmac_key(value: str) -> bytes:
    if not value:
        raise ImproperlyConfigured(f"未配置 {HMAC_KEY_SETTING}，无法按身份证号码查找。")
    return decode_key(value, HMAC_KEY_SETTING)


def check_keys(encryption_keys: Iterable[str], hmac_key: str) -> None:
    """Start-up check (production): at least one encryption key, every key 32 bytes of base64, and an HMAC key that
    is none of the encryption keys. Raises ImproperlyConfigured (``config.fail``) naming the variable."""
    keys = [k for k in encryption_keys if k and k.strip()]
    if not keys:
        raise fail(ENCRYPTION_KEY_SETTING, None, "未设置：关闭 DEBUG 运行时必须设置（加密身份证号码的密钥）")
    if not hmac_key:
        raise fail(HMAC_KEY_SETTING, None, "未设置：关闭 DEBUG 运行时必须设置（按身份证号码查找所用的密钥）")
    raw_keys = [decode_key(k, ENCRYPTION_KEY_SETTING) for k in keys]
    if decode_key(hmac_key, HMAC_KEY_SETTING) in raw_keys:
        raise fail(HMAC_KEY_SETTING, hmac_key, f"不能与 {ENCRYPTION_KEY_SETTING} 中的密钥相同", secret=True)


def primary_key_id() -> str:
    return _ciphers(_setting_keys()[0])[0][0]


# Values -------------------------------------------------------------------------------------------------------------


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def is_ciphertext(value: object) -> bool:
    """The shape of a value written by ``encrypt()`` (not a proof that any key can read it)."""
    if not isinstance(value, str) or isinstance(value, Undecryptable):
        return False
    kid, sep, body = value.partition(SEPARATOR)
    return bool(sep) and len(kid) == 8 and all(c in "0123456789abcdef" for c in kid) and len(body) >= 38


def ciphertext_key_id(value: str) -> str:
    return value.partition(SEPARATOR)[0]


def column_context(app_label: str, model_name: str, field_name: str) -> str:
    """The associated data that binds a ciphertext to its column: ``"safetyportal.person.id_number"``. The model name
    is Django's lower-case ``model_name``, so historical models in migrations give the same context."""
    return f"{app_label}.{model_name.lower()}.{field_name}"


def _aad(context: str) -> bytes:
    if not context:
        raise ValueError("an encryption context (the column) is required")
    return context.encode("utf-8")


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext`` for the column named by ``context`` (``column_context()``)."""
    kid, cipher = _ciphers(_setting_keys()[0])[0]
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = cipher.encrypt(nonce, plaintext.encode("utf-8"), _aad(context))
    return f"{kid}{SEPARATOR}{_b64encode(nonce + sealed)}"


def decrypt(ciphertext: str, *, context: str) -> str:
    """The plaintext, or DecryptionError when no configured key made this value for this column (``context``), or
    it was altered."""
    aad = _aad(context)
    kid, sep, body = ciphertext.partition(SEPARATOR)
    if not sep:
        raise DecryptionError("not a ciphertext")
    try:
        data = _b64decode(body)
    except (binascii.Error, ValueError):
        raise DecryptionError("malformed ciphertext") from None
    if len(data) < NONCE_BYTES + 16:
        raise DecryptionError("malformed ciphertext")
    tried = False
    for candidate, cipher in _ciphers(_setting_keys()[0]):
        if candidate != kid:
            continue
        tried = True
        try:
            return cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], aad).decode("utf-8")
        except InvalidTag:
            continue
    if tried:
        raise DecryptionError(f"key id {kid[:8]}: value altered, or made for another column than {context}")
    raise DecryptionError(f"no configured key for key id {kid[:8]}")


def decrypt_or_marker(ciphertext: str, *, context: str) -> str:
    try:
        return decrypt(ciphertext, context=context)
    except DecryptionError as error:
        _warn_once(ciphertext_key_id(ciphertext), str(error))
        return Undecryptable(ciphertext)


@functools.lru_cache(maxsize=64)
def _warn_once(kid: str, reason: str) -> None:
    logger.warning("encrypted field value cannot be decrypted (key id %s): %s", kid[:8], reason)


def canonical(value: object) -> str:
    """The form an ID number (or "T" + ID) is indexed under: the project's one normalisation (NFKC, separators
    removed, upper case), so a lookup finds the row whatever way the number was typed."""
    from .validators import normalize_id_number

    return normalize_id_number(value)


def blind_index(value: object) -> str:
    """Keyed HMAC-SHA256 of the canonical value, base64url without padding (43 characters)."""
    key = _hmac_key(_setting_keys()[1])
    return _b64encode(hmac.new(key, canonical(value).encode("utf-8"), hashlib.sha256).digest())
