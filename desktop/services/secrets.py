"""Access tokens in the OS keyring. When the machine has no usable keyring backend, a token is kept in memory for
this session only and the user is told so; it is never written to disk in plain text."""

from __future__ import annotations

import contextlib
import logging

import keyring
import keyring.backend
import keyring.errors

from desktop.logs import redact

log = logging.getLogger("desktop.services.secrets")

SERVICE = "avatar-studio"


def _usable(backend: keyring.backend.KeyringBackend) -> bool:
    """Whether a backend really stores secrets (the fail and null backends do not, nor a chainer of nothing)."""
    module = type(backend).__module__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return False
    if module.startswith("keyring.backends.chainer"):
        return any(_usable(b) for b in getattr(backend, "backends", ()))
    try:
        return float(backend.priority) > 0
    except Exception:
        return True


class SecretStore:
    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend or keyring.get_keyring()
        self._memory: dict[str, str] = {}
        self.persistent = _usable(self._backend)

    @property
    def description(self) -> str:
        """Where tokens are kept, in words for the Settings dialog."""
        if self.persistent:
            return f"Saved in the system keyring ({type(self._backend).__name__})."
        return (
            "No system keyring is available: the token is kept for this session only and must be entered again "
            "next time. Install and unlock a keyring (GNOME Keyring, KWallet) to save it."
        )

    def get(self, name: str) -> str:
        if name in self._memory:
            return self._memory[name]
        if not self.persistent:
            return ""
        try:
            value = self._backend.get_password(SERVICE, name) or ""
        except keyring.errors.KeyringError as exc:
            log.warning("keyring read failed for %s: %s", name, type(exc).__name__)
            return ""
        redact.register(value)
        return value

    def set(self, name: str, value: str) -> None:
        redact.register(value)
        if not self.persistent:
            self._memory[name] = value
            return
        try:
            if value:
                self._backend.set_password(SERVICE, name, value)
            else:
                self._delete(name)
            self._memory.pop(name, None)
        except keyring.errors.KeyringError as exc:
            log.warning("keyring write failed for %s (%s); keeping it for this session", name, type(exc).__name__)
            self._memory[name] = value

    def _delete(self, name: str) -> None:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            self._backend.delete_password(SERVICE, name)


def token_name(profile: str) -> str:
    return f"access-token/{profile}"
