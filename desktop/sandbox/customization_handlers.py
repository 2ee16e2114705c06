"""Customization and voice clone endpoints: upload credentials, training texts (the state machine follows)."""

from __future__ import annotations

from typing import Any

from desktop.sandbox.context import Context
from desktop.sandbox.cos import CosServer

TRAINING_TEXTS = (
    ("ec28499a-cf6d-4f7b-b7fa-4a5a54662b38", "Among the more than 300 products with discounts, meat snacks sold best."),
    ("5b0e1c8e-2a43-4f3e-9d55-3e2f6a1f7c10", "The weather in the mountains changes quickly, so bring a warm coat."),
    ("9d8f7a6b-1c2d-4e3f-8a9b-0c1d2e3f4a5b", "Please read this sentence clearly, at your natural speaking pace."),
)


def _cos(ctx: Context) -> CosServer:
    server = ctx.state["cos"]
    assert isinstance(server, CosServer)
    return server


async def get_upload_credentials(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    grant = _cos(ctx).issue()
    return {
        "Credentials": {"Token": grant.token, "TmpSecretId": grant.secret_id, "TmpSecretKey": grant.secret_key},
        "ExpiredTime": grant.expires_at,
        "PathPrefix": grant.path_prefix,
    }


async def get_text(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {"Texts": [{"TextId": text_id, "Text": text} for text_id, text in TRAINING_TEXTS]}


HANDLERS = {
    "customization.getuploadcredentials": get_upload_credentials,
    "customization.gettext": get_text,
}
