"""Personal asset management: avatars, anchors, timbres, actions, service quotas."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.api.paging import Page, check_page
from desktop.api.reading import Reader
from desktop.spec import assets as spec

if TYPE_CHECKING:
    from desktop.api.transport import Transport  # the records below are read without it (at the app's start)


@dataclass(frozen=True)
class ExtraParam:
    key: str
    description: str
    value_type: int
    values: tuple[str, ...]


@dataclass(frozen=True)
class Avatar:
    """One avatar image (a VirtualmanKey): an anchor in one outfit, pose and resolution."""

    virtualman_key: str
    anchor_name: str
    anchor_code: str
    clothes_name: str
    pose_name: str
    resolution: str
    header_image: str
    pose_image: str
    clothes_image: str
    driver_types: tuple[str, ...]
    expire_date: str = ""
    video_duration_ms: int = 0
    video_num: int = 0
    origin_zoom: float = 1.0
    reference_video_url: str = ""
    virtualman_type: str = ""
    virtualman_type_code: str = ""
    extra_params: tuple[ExtraParam, ...] = ()

    @classmethod
    def read(cls, r: Reader) -> Avatar:
        return cls(
            virtualman_key=r.text("VirtualmanKey"),
            anchor_name=r.text("AnchorName") or r.text("Name"),
            anchor_code=r.text("AnchorCode") or r.text("Code"),
            clothes_name=r.text("ClothesName"),
            pose_name=r.text("PoseName"),
            resolution=r.text("Resolution"),
            header_image=r.text("HeaderImage"),
            pose_image=r.text("PoseImage"),
            clothes_image=r.text("ClothesImage"),
            driver_types=r.strings("SupportDriverTypes"),
            expire_date=r.text("ExpireDate"),
            video_duration_ms=r.integer("VideoDuration"),
            video_num=r.integer("VideoNum"),
            origin_zoom=r.number("OriginZoom", r.number("OriginZoomStr", 1.0)),
            reference_video_url=r.text("ReferenceVideoSegmentUrl"),
            virtualman_type=r.text("VirtualmanType"),
            virtualman_type_code=r.text("VirtualmanTypeCode"),
            extra_params=tuple(
                ExtraParam(p.text("Key"), p.text("Description"), p.integer("Type"), p.strings("Value"))
                for p in r.items("SupportAnchorExtraParams")
            ),
        )


@dataclass(frozen=True)
class Anchor:
    anchor_name: str
    anchor_code: str
    virtualman_type: str
    virtualman_type_code: str
    header_image: str
    tag: str

    @classmethod
    def read(cls, r: Reader) -> Anchor:
        return cls(
            r.text("AnchorName"),
            r.text("AnchorCode"),
            r.text("VirtualmanType"),
            r.text("VirtualmanTypeCode"),
            r.text("HeaderImage"),
            r.text("Tag"),
        )


@dataclass(frozen=True)
class Timbre:
    key: str
    name: str
    sample_url: str
    description: str
    virtualman_type_codes: tuple[str, ...] = ()
    driver_types: tuple[str, ...] = ()
    expire_date: str = ""
    audio_duration_ms: int = 0
    audio_num: int = 0
    emotions: tuple[str, ...] = ()
    gender: int = 0  # 1 male, 2 female, 0 unknown
    purchase_type: str = ""
    timbre_type: str = ""
    languages: tuple[str, ...] = ()

    @classmethod
    def read(cls, r: Reader) -> Timbre:
        return cls(
            key=r.text("TimbreKey"),
            name=r.text("TimbreName"),
            sample_url=r.text("TimbreSample"),
            description=r.text("TimbreDesc"),
            virtualman_type_codes=r.strings("SupportVirtualmanTypeCodes"),
            driver_types=r.strings("SupportDriverTypes"),
            expire_date=r.text("ExpireDate"),
            audio_duration_ms=r.integer("AudioDuration"),
            audio_num=r.integer("AudioNum"),
            emotions=r.strings("EmotionalCategories"),
            gender=r.integer("TimbreGender"),
            purchase_type=r.text("PurchaseType"),
            timbre_type=r.text("TimbreType"),
            languages=r.strings("TimbreLanguages"),
        )


@dataclass(frozen=True)
class Action:
    name: str
    code: str
    sample_url: str

    @classmethod
    def read(cls, r: Reader) -> Action:
        return cls(r.text("ActionName"), r.text("ActionCode"), r.text("ActionSample"))


@dataclass(frozen=True)
class ServiceAsset:
    """One purchased service: a customization quota, an hourly package or a concurrency."""

    service_type: str
    expire_date: str
    details: dict[str, dict[str, int]]  # detail object name -> its numbers

    @property
    def numbers(self) -> dict[str, int]:
        """All detail numbers of this asset, merged (each asset carries one detail object in practice)."""
        merged: dict[str, int] = {}
        for values in self.details.values():
            merged.update(values)
        return merged

    @classmethod
    def read(cls, r: Reader) -> ServiceAsset:
        details: dict[str, dict[str, int]] = {}
        for name in spec.SERVICE_ASSET_DETAILS:
            if r.has(name):
                detail = r.obj(name)
                members = spec.SERVICE_ASSET_DETAILS[name]
                details[name] = {f.name: detail.integer(f.name) for f in members if detail.has(f.name)}
        return cls(r.text("ServiceType"), r.text("ExpireDate"), details)


class AssetsApi:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def _page(self, endpoint: Any, payload: dict[str, Any], item: Any) -> Page[Any]:
        check_page(payload["PageIndex"], payload["PageSize"])
        answer = Reader(endpoint.response, await self._t.call(endpoint, payload))
        items = tuple(item.read(r) for r in answer.items(endpoint.list_field))
        return Page(items, answer.integer("Total"), payload["PageIndex"], payload["PageSize"])

    async def avatars(self, page_index: int = 1, page_size: int = 20, anchor_codes: Sequence[str] = ()) -> Page[Avatar]:
        """Avatars (small-sample images) by page: describesmallsampleimage."""
        payload: dict[str, Any] = {"PageIndex": page_index, "PageSize": page_size}
        if anchor_codes:
            payload["AnchorCodes"] = list(anchor_codes)
        return await self._page(spec.DESCRIBE_SMALL_SAMPLE_IMAGE, payload, Avatar)

    async def anchors(
        self, virtualman_type_code: str, page_index: int = 1, page_size: int = 20, anchor_codes: Sequence[str] = ()
    ) -> Page[Anchor]:
        payload: dict[str, Any] = {
            "VirtualmanTypeCode": virtualman_type_code,
            "PageIndex": page_index,
            "PageSize": page_size,
        }
        if anchor_codes:
            payload["AnchorCodes"] = list(anchor_codes)
        return await self._page(spec.GET_ANCHOR, payload, Anchor)

    async def images_by_anchor(
        self, virtualman_type_code: str, anchor_codes: Sequence[str] = (), page_index: int = 1, page_size: int = 20
    ) -> Page[Avatar]:
        payload: dict[str, Any] = {
            "VirtualmanTypeCode": virtualman_type_code,
            "PageIndex": page_index,
            "PageSize": page_size,
        }
        if anchor_codes:
            payload["AnchorCode"] = list(anchor_codes)  # the table's spelling (docs/api-notes.md E10)
        return await self._page(spec.GET_IMAGE_BY_ANCHOR, payload, Avatar)

    async def timbres(self, page_index: int = 1, page_size: int = 20) -> Page[Timbre]:
        return await self._page(spec.DESCRIBE_TIMBRE, {"PageIndex": page_index, "PageSize": page_size}, Timbre)

    async def service_assets(
        self, page_index: int = 1, page_size: int = 20, service_type: str | None = None
    ) -> Page[ServiceAsset]:
        payload: dict[str, Any] = {"PageIndex": page_index, "PageSize": page_size}
        if service_type:
            payload["ServiceType"] = service_type
        return await self._page(spec.GET_SERVICE_ASSET, payload, ServiceAsset)

    async def image_timbres(self, virtualman_key: str) -> list[Timbre]:
        """Deprecated: timbres are no longer bound to avatars."""
        payload = await self._t.call(spec.GET_IMAGE_TIMBRE, {"VirtualmanKey": virtualman_key})
        answer = Reader(spec.GET_IMAGE_TIMBRE.response, payload)
        return [Timbre.read(r) for r in answer.items("Timbres")]

    async def actions(self, virtualman_key: str) -> list[Action]:
        payload = await self._t.call(spec.GET_ACTION, {"VirtualmanKey": virtualman_key})
        answer = Reader(spec.GET_ACTION.response, payload)
        return [Action.read(r) for r in answer.items("Actions")]
