"""The connection profiles, declared once: which exist, and how each finds its platform and its credentials.

Their names for people are UI words (`desktop/ui/common/profile_names.py`); the cloud addresses are the client's
(`desktop.api.environments`). This module imports neither, so the window can use it before httpx is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from desktop.services import settings as opt

if TYPE_CHECKING:
    from desktop.api.environments import Environment

ProfileKind = Literal["sandbox", "cloud", "custom"]


@dataclass(frozen=True)
class Profile:
    key: str  # stored in the settings and given to --profile
    kind: ProfileKind
    appkey: opt.Option[str] | None = None  # where its appkey is kept (the sandbox brings its own)
    environment_name: str = ""  # for the cloud: the constant of desktop.api.environments with its addresses

    @property
    def needs_credentials(self) -> bool:
        return self.kind != "sandbox"

    @property
    def needs_address(self) -> bool:
        return self.kind == "custom"

    def cloud_environment(self) -> Environment:
        """The fixed addresses of a cloud profile. Imported here: the client package brings httpx with it."""
        from desktop.api import environments

        if self.kind != "cloud":
            raise ValueError(f"{self.key} is not a cloud profile")
        environment: Environment = getattr(environments, self.environment_name)
        return environment


SANDBOX = Profile("sandbox", "sandbox")
INTERNATIONAL = Profile("international", "cloud", opt.APPKEY_INTERNATIONAL, "INTERNATIONAL")
MAINLAND = Profile("mainland", "cloud", opt.APPKEY_MAINLAND, "MAINLAND")
CUSTOM = Profile("custom", "custom", opt.APPKEY_CUSTOM)

PROFILES: tuple[Profile, ...] = (SANDBOX, INTERNATIONAL, MAINLAND, CUSTOM)
BY_KEY = {profile.key: profile for profile in PROFILES}
KEYS = tuple(BY_KEY)
DEFAULT = SANDBOX


def profile(key: str) -> Profile:
    """The profile of a stored key; an unknown key (a hand-edited or older settings file) means the default."""
    return BY_KEY.get(key, DEFAULT)
