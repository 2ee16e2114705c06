"""The JSON envelope every HTTP call and drive command travels in: {"Header": {...}, "Payload": {...}}."""

from __future__ import annotations

from desktop.spec.common import i, s
from desktop.spec.model import Field

# "The Header can include RequestID to identify a single request"; otherwise nothing is sent in it.
REQUEST_HEADER: tuple[Field, ...] = (s("RequestID"),)

RESPONSE_HEADER: tuple[Field, ...] = (
    i("Code", True, doc="0 on success; see the code tables"),
    s("Message", True),
    s("RequestID", True, doc="The request's RequestID, or one the cloud generates"),
    s("SessionID"),
    s("DialogID"),
)
