"""Personal asset management endpoints, and the deprecated broadcast resource queries, over the catalog."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from desktop.sandbox.catalog import Anchor, Avatar, Timbre
from desktop.sandbox.context import Context
from desktop.sandbox.replies import SandboxError

Handler = Callable[[dict[str, Any], Context], Any]

_SMALL_SAMPLE_TYPES = ("small_sample_2d", "small_sample_general_2d", "small_sample_4k_2d", "small_sample_photo_2d")


def _page(items: Sequence[Any], payload: dict[str, Any]) -> tuple[Sequence[Any], int]:
    index = int(payload.get("PageIndex", payload.get("pageIndex", 1)))
    size = int(payload["PageSize"])
    start = (index - 1) * size
    return items[start : start + size], len(items)


def _codes(payload: dict[str, Any], *names: str) -> set[str]:
    for name in names:
        value = payload.get(name)
        if isinstance(value, list) and value:
            return {str(v) for v in value}
    return set()


def _anchor_json(anchor: Anchor, ctx: Context) -> dict[str, Any]:
    from desktop.spec.enums import VIRTUALMAN_TYPES

    return {
        "AnchorName": anchor.name,
        "AnchorCode": anchor.code,
        "VirtualmanType": VIRTUALMAN_TYPES[anchor.type_code],
        "VirtualmanTypeCode": anchor.type_code,
        "HeaderImage": ctx.file_url(anchor.header_path),
        "Tag": anchor.tag,
    }


def _image_urls(avatar: Avatar, ctx: Context) -> dict[str, str]:
    return {
        "HeaderImage": ctx.file_url(avatar.anchor.header_path),
        "PoseImage": ctx.file_url(avatar.pose_path),
        "ClothesImage": ctx.file_url(f"catalog/avatar/{avatar.key}/clothes.png"),
    }


def small_sample_json(avatar: Avatar, ctx: Context) -> dict[str, Any]:
    return {
        "VirtualmanKey": avatar.key,
        "AnchorName": avatar.anchor.name,
        "AnchorCode": avatar.anchor.code,
        "ClothesName": avatar.clothes,
        "PoseName": avatar.pose,
        "Resolution": avatar.resolution,
        **_image_urls(avatar, ctx),
        "SupportDriverTypes": list(avatar.driver_types),
        "ExpireDate": avatar.expire_date,
        "VideoDuration": avatar.video_duration_ms,
        "VideoNum": avatar.video_num,
        "OriginZoom": avatar.origin_zoom,
        "OriginZoomStr": f"{avatar.origin_zoom:.3f}",
        "ReferenceVideoSegmentUrl": ctx.file_url(f"catalog/avatar/{avatar.key}/reference.mp4"),
    }


def image_asset_json(avatar: Avatar, ctx: Context) -> dict[str, Any]:
    from desktop.spec.enums import VIRTUALMAN_TYPES

    return {
        "AnchorName": avatar.anchor.name,
        "AnchorCode": avatar.anchor.code,
        "VirtualmanType": VIRTUALMAN_TYPES[avatar.anchor.type_code],
        "VirtualmanTypeCode": avatar.anchor.type_code,
        "VirtualmanKey": avatar.key,
        "ClothesName": avatar.clothes,
        "PoseName": avatar.pose,
        "Resolution": avatar.resolution,
        **_image_urls(avatar, ctx),
        "SupportDriverTypes": list(avatar.driver_types),
        "SupportAnchorExtraParams": [dict(p) for p in avatar.extra_params],
        "VideoDuration": avatar.video_duration_ms,
        "VideoNum": avatar.video_num,
        "ExpireDate": avatar.expire_date,
        "OriginZoom": f"{avatar.origin_zoom:.3f}",
        "ReferenceVideoSegmentUrl": ctx.file_url(f"catalog/avatar/{avatar.key}/reference.mp4"),
    }


def timbre_brief(timbre: Timbre, ctx: Context) -> dict[str, Any]:
    return {
        "TimbreKey": timbre.key,
        "TimbreName": timbre.name,
        "TimbreSample": ctx.file_url(f"catalog/timbre/{timbre.key}.wav"),
        "TimbreDesc": timbre.description,
    }


def timbre_asset_json(timbre: Timbre, ctx: Context) -> dict[str, Any]:
    detail: dict[str, Any] = {
        **timbre_brief(timbre, ctx),
        "SupportVirtualmanTypeCodes": list(timbre.type_codes),
        "SupportDriverTypes": list(timbre.driver_types),
        "ExpireDate": timbre.expire_date,
        "AudioDuration": timbre.audio_duration_ms,
        "AudioNum": timbre.audio_num,
        "TimbreGender": timbre.gender,
        "PurchaseType": timbre.purchase_type,
        "TimbreType": timbre.timbre_type,
    }
    if timbre.emotions:
        detail["EmotionalCategories"] = list(timbre.emotions)
    if len(timbre.languages) > 1:
        detail["TimbreLanguages"] = list(timbre.languages)
    return detail


def find_avatar(ctx: Context, key: str) -> Avatar:
    avatar = ctx.catalog.avatar(key)
    if avatar is None:
        raise SandboxError(100016, f"No avatar assets were found for VirtualmanKey {key!r}.")
    return avatar


async def describe_small_sample_image(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    codes = _codes(payload, "AnchorCodes")
    avatars = [
        a for a in ctx.catalog.avatars
        if a.anchor.type_code in _SMALL_SAMPLE_TYPES and (not codes or a.anchor.code in codes)
    ]  # fmt: skip
    page, total = _page(avatars, payload)
    return {"Virtualmans": [small_sample_json(a, ctx) for a in page], "Total": total}


async def get_image_timbre(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    avatar = find_avatar(ctx, str(payload["VirtualmanKey"]))
    timbres = [t for t in ctx.catalog.timbres if avatar.anchor.type_code in t.type_codes]
    return {"Timbres": [timbre_brief(t, ctx) for t in timbres]}


async def get_service_asset(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    wanted = payload.get("ServiceType")
    assets = [s for s in ctx.catalog.service_assets if not wanted or s.service_type == wanted]
    page, total = _page(assets, payload)
    infos = [{"ServiceType": s.service_type, "ExpireDate": s.expire_date, s.detail: dict(s.numbers)} for s in page]
    return {"ServiceAssetInfos": infos, "Total": total}


async def describe_timbre(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    page, total = _page(ctx.catalog.timbres, payload)
    return {"TimbreAssets": [timbre_asset_json(t, ctx) for t in page], "Total": total}


async def get_anchor(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    codes = _codes(payload, "AnchorCodes")
    type_code = payload["VirtualmanTypeCode"]
    anchors = [a for a in ctx.catalog.anchors if a.type_code == type_code and (not codes or a.code in codes)]
    page, total = _page(anchors, payload)
    return {"Virtualmans": [_anchor_json(a, ctx) for a in page], "Total": total}


async def get_image_by_anchor(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    codes = _codes(payload, "AnchorCode", "AnchorCodes")  # E10: the table's spelling and the sample's
    type_code = payload["VirtualmanTypeCode"]
    avatars = [
        a for a in ctx.catalog.avatars if a.anchor.type_code == type_code and (not codes or a.anchor.code in codes)
    ]
    page, total = _page(avatars, payload)
    return {"Virtualmans": [image_asset_json(a, ctx) for a in page], "Total": total}


async def get_action(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    avatar = find_avatar(ctx, str(payload["VirtualmanKey"]))
    actions = ctx.catalog.actions_for(avatar)
    return {
        "Actions": [
            {"ActionName": name, "ActionCode": code, "ActionSample": ctx.file_url(f"catalog/action/{code}.mp4")}
            for code, name in actions
        ]
    }


# --- deprecated broadcastservice queries ---


async def legacy_anchors(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    type_code = payload.get("VirtualmanTypeCode")
    anchors = [a for a in ctx.catalog.anchors if not type_code or a.type_code == type_code]
    return {
        "VirtualmanResources": [{"AppKey": ctx.config.appkey, "Virtualmans": [_anchor_json(a, ctx) for a in anchors]}]
    }


async def legacy_resources(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    code = str(payload["AnchorCode"])
    if ctx.catalog.anchor(code) is None:
        raise SandboxError(100009, f"The resource does not exist: no anchor {code!r}.")
    avatars = [a for a in ctx.catalog.avatars if a.anchor.code == code]
    items = []
    for avatar in avatars:
        item = image_asset_json(avatar, ctx)
        items.append(
            {
                "VirtualmanKey": avatar.key,
                "Name": avatar.anchor.name,
                "Code": avatar.anchor.code,
                **{k: item[k] for k in ("ClothesName", "PoseName", "Resolution", "HeaderImage", "PoseImage")},
                "ClothesImage": item["ClothesImage"],
                "SupportDriverTypes": item["SupportDriverTypes"],
                "SupportAnchorExtraParams": item["SupportAnchorExtraParams"],
                "OriginZoom": item["OriginZoom"],
            }
        )
    return {"VirtualmanResources": [{"AppKey": ctx.config.appkey, "Virtualmans": items}]}


async def legacy_timbres(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return await get_image_timbre(payload, ctx)


HANDLERS: dict[str, Handler] = {
    "assets.describesmallsampleimage": describe_small_sample_image,
    "assets.getimagetimbre": get_image_timbre,
    "assets.getserviceasset": get_service_asset,
    "assets.describetimbre": describe_timbre,
    "assets.getanchor": get_anchor,
    "assets.getimagebyanchor": get_image_by_anchor,
    "assets.getaction": get_action,
    "video.getanchor": legacy_anchors,
    "video.getresourcebyanchor": legacy_resources,
    "video.gettimbre": legacy_timbres,
    "video.getaction": get_action,
}
