"""Personal asset management: avatars, timbres, anchors, actions, service quotas (seed 002, "Personal Asset
Management API")."""

from __future__ import annotations

from desktop.spec.common import (
    ACTION_ITEM,
    ANCHOR_TAG,
    DRIVER_TYPES,
    PAGE_INDEX,
    PAGE_SIZE,
    POSE_IMAGE,
    SUPPORT_ANCHOR_EXTRA_PARAMS,
    TIMBRE_ITEM,
    TOTAL,
    arr,
    f,
    i,
    obj,
    s,
)
from desktop.spec.enums import SERVICE_ASSET_TYPES, VIRTUALMAN_TYPES
from desktop.spec.model import Endpoint, Field

# The docs spell the service both ways. Public clients that work against the cloud use the singular one for
# describetimbre, getimagebyanchor and describesmallsampleimage (docs/api-notes.md); the sandbox accepts both.
_SINGULAR = "/v2/ivh/crmserver/customerassetservice/"
_PLURAL = "/v2/ivh/crmserver/customerassetsservice/"

_CONCURRENCY = (i("Concurrency", True),)
_HOURS = (i("OrderMilliseconds", True), i("RemainMilliseconds", True))
_QUOTA = (i("CustomizationNum", True), i("RemainNum", True))

# ServiceAssetInfo: which detail object goes with which kind of asset. The table gives no Mandatory column.
SERVICE_ASSET_DETAILS: dict[str, tuple[Field, ...]] = {
    "InteractConcurrencyInfoDetail": _CONCURRENCY,
    "BroadcastHourInfoDetail": _HOURS,
    "BroadcastConcurrencyInfoDetail": _CONCURRENCY,
    "ImageAssetInfoDetail": _QUOTA,
    "TimbreAssetInfoDetail": _QUOTA,
    "RealMan3DInteractConcurrencyInfoDetail": _CONCURRENCY,
    "RealMan3DBroadcastHourInfoDetail": _HOURS,
    "RealMan3DBroadcastConcurrencyInfoDetail": _CONCURRENCY,
    "TimbreHourInfoDetail": _HOURS,
    "SmallSampleGeneral2DImageAssetInfoDetail": _QUOTA,
    "SmallSampleGeneral2DInteractConcurrencyInfoDetail": _CONCURRENCY,
    "SmallSampleGeneral2DBroadcastHourInfoDetail": _HOURS,
    "SmallSampleGeneral2DBroadcastConcurrencyInfoDetail": _CONCURRENCY,
    "RealMan2DInteractConcurrencyInfoDetail": _CONCURRENCY,
    "RealMan2DBroadcastHourInfoDetail": _HOURS,
    # The docs give this one hour fields, not a Concurrency: kept as documented.
    "RealMan2DBroadcastConcurrencyInfoDetail": _HOURS,
    "UniversalAssetInfoDetail": _QUOTA,
    "UniversalConcurrencyInfoDetail": _CONCURRENCY,
    "UniversalHourInfoDetail": _HOURS,
}

_SMALL_SAMPLE_IMAGE = (
    s("VirtualmanKey", True),
    s("AnchorName", True),
    s("AnchorCode", True),
    s("ClothesName", True),
    s("PoseName", True),
    s("Resolution", True),
    s("HeaderImage", True),
    POSE_IMAGE,
    s("ClothesImage", True),
    DRIVER_TYPES,
    s("ExpireDate", True),
    i("VideoDuration", True, doc="Milliseconds"),
    i("VideoNum", True),
    f("OriginZoom", True),
    s("OriginZoomStr", True),
    s("ReferenceVideoSegmentUrl", True),
)

_IMAGE_ASSET_DETAIL = (
    s("AnchorName", True),
    s("AnchorCode", True),
    s("VirtualmanType", True),
    s("VirtualmanTypeCode", True),
    s("VirtualmanKey", True),
    s("ClothesName", True),
    s("PoseName", True),
    s("Resolution", True),
    s("HeaderImage", True),
    POSE_IMAGE,
    s("ClothesImage", True),
    DRIVER_TYPES,
    SUPPORT_ANCHOR_EXTRA_PARAMS,
    i("VideoDuration", True),
    i("VideoNum", True),
    s("ExpireDate", True),
    s("OriginZoom", True, doc="Float as a string, three decimals"),
    s("ReferenceVideoSegmentUrl", True),
)

_VIRTUALMAN_TYPE_CODE = s("VirtualmanTypeCode", True, enum=tuple(VIRTUALMAN_TYPES))

DESCRIBE_SMALL_SAMPLE_IMAGE = Endpoint(
    name="assets.describesmallsampleimage",
    family="assets",
    path=_SINGULAR + "describesmallsampleimage",
    alt_paths=(_PLURAL + "describesmallsampleimage",),
    title="Querying for Avatar List by Pagination API",
    seed="002 §Querying for Avatar List by Pagination API",
    kind="query",
    request=(PAGE_INDEX, PAGE_SIZE, arr("AnchorCodes", "string")),
    response=(arr("Virtualmans", "object", *_SMALL_SAMPLE_IMAGE, required=True), TOTAL),
    list_field="Virtualmans",
)

GET_IMAGE_TIMBRE = Endpoint(
    name="assets.getimagetimbre",
    family="assets",
    path=_PLURAL + "getimagetimbre",
    alt_paths=(_SINGULAR + "getimagetimbre",),
    title="Querying Supported Timbres for Avatars",
    seed="002 §Querying Supported Timbres for Avatars (to be Deprecated)",
    kind="query",
    deprecated=True,
    request=(s("VirtualmanKey", True),),
    response=(arr("Timbres", "object", *TIMBRE_ITEM, required=True),),
)

GET_SERVICE_ASSET = Endpoint(
    name="assets.getserviceasset",
    family="assets",
    path=_SINGULAR + "getserviceasset",
    alt_paths=(_PLURAL + "getserviceasset",),
    title="Querying Customer Service Asset Information",
    seed="002 §Querying Customer Service Asset Information",
    kind="query",
    request=(s("ServiceType", enum=tuple(SERVICE_ASSET_TYPES)), PAGE_INDEX, PAGE_SIZE),
    response=(
        arr(
            "ServiceAssetInfos",
            "object",
            s("ServiceType", enum=tuple(SERVICE_ASSET_TYPES)),
            s("ExpireDate"),
            *(obj(name, *members) for name, members in SERVICE_ASSET_DETAILS.items()),
            required=True,
        ),
        TOTAL,
    ),
    list_field="ServiceAssetInfos",
)

DESCRIBE_TIMBRE = Endpoint(
    name="assets.describetimbre",
    family="assets",
    path=_SINGULAR + "describetimbre",
    alt_paths=(_PLURAL + "describetimbre",),
    title="Querying Timbre Lists by Pagination",
    seed="002 §Querying Timbre Lists by Pagination",
    kind="query",
    request=(PAGE_INDEX, PAGE_SIZE),
    response=(
        arr(
            "TimbreAssets",
            "object",
            *TIMBRE_ITEM,
            arr("SupportVirtualmanTypeCodes", "string", required=True),
            DRIVER_TYPES,
            s("ExpireDate", True),
            i("AudioDuration", True, doc="Milliseconds"),
            i("AudioNum", True),
            arr("EmotionalCategories", "string"),
            i("TimbreGender", True, enum=(1, 2), doc="1 male, 2 female"),
            s("PurchaseType", True, enum=("Lease", "Custom")),
            s("TimbreType", True, enum=("Boutique", "SampleBasic", "SampleFast")),
            arr("TimbreLanguages", "string"),
            required=True,
            aliases=("TimbreDetails",),
        ),
        TOTAL,
    ),
    list_field="TimbreAssets",
)

GET_ANCHOR = Endpoint(
    name="assets.getanchor",
    family="assets",
    path=_PLURAL + "getanchor",
    alt_paths=(_SINGULAR + "getanchor",),
    title="Querying Image Asset Information - Query Anchor",
    seed="002 §Querying Image Asset Information - Query Anchor",
    kind="query",
    request=(_VIRTUALMAN_TYPE_CODE, arr("AnchorCodes", "string"), PAGE_INDEX, PAGE_SIZE),
    response=(
        arr(
            "Virtualmans",
            "object",
            s("AnchorName", True),
            s("AnchorCode", True),
            s("VirtualmanType", True),
            s("VirtualmanTypeCode", True),
            s("HeaderImage", True),
            ANCHOR_TAG,
            required=True,
        ),
        TOTAL,
    ),
    list_field="Virtualmans",
)

GET_IMAGE_BY_ANCHOR = Endpoint(
    name="assets.getimagebyanchor",
    family="assets",
    path=_SINGULAR + "getimagebyanchor",
    alt_paths=(_PLURAL + "getimagebyanchor",),
    title="Querying Image Asset Information - Querying all Avatars under the Anchor",
    seed="002 §Querying Image Asset Information - Querying all Avatars under the Anchor",
    kind="query",
    request=(
        _VIRTUALMAN_TYPE_CODE,
        # The table names it AnchorCode (an array); the sample sends AnchorCodes (docs/api-notes.md).
        arr("AnchorCode", "string", aliases=("AnchorCodes",)),
        PAGE_INDEX,
        PAGE_SIZE,
    ),
    response=(arr("Virtualmans", "object", *_IMAGE_ASSET_DETAIL, required=True), TOTAL),
    list_field="Virtualmans",
)

GET_ACTION = Endpoint(
    name="assets.getaction",
    family="assets",
    path=_PLURAL + "getaction",
    alt_paths=(_SINGULAR + "getaction",),
    title="Querying the List Of Actions Supported by the Avatar",
    seed="002 §Querying the List Of Actions Supported by the Avatar",
    kind="query",
    request=(s("VirtualmanKey", True),),
    response=(arr("Actions", "object", *ACTION_ITEM),),
)

ENDPOINTS: tuple[Endpoint, ...] = (
    DESCRIBE_SMALL_SAMPLE_IMAGE,
    GET_IMAGE_TIMBRE,
    GET_SERVICE_ASSET,
    DESCRIBE_TIMBRE,
    GET_ANCHOR,
    GET_IMAGE_BY_ANCHOR,
    GET_ACTION,
)
