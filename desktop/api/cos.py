"""Where uploads go on COS: the bucket, region and key prefix behind getuploadcredentials' PathPrefix.

The COS SDK does not parse PathPrefix; a COS host is BUCKET-APPID.cos.REGION.myqcloud.com (or tencentcos.cn), and
the key prefix is the unquoted path without its leading slash. Other hosts are custom domains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

_COS_HOST = re.compile(r"^(?P<bucket>[a-z0-9-]+-\d+)\.cos\.(?P<region>[a-z0-9-]+)\.(myqcloud\.com|tencentcos\.cn)$")


@dataclass(frozen=True)
class UploadLocation:
    scheme: str
    host: str  # with the port, if any
    bucket: str  # empty for a custom domain
    region: str
    key_prefix: str  # ends with "/" when it is a folder

    def key(self, *parts: str) -> str:
        """The object key for a file under the prefix, e.g. key("video", "c.mp4")."""
        clean = "/".join(part.strip("/") for part in parts if part.strip("/"))
        return f"{self.key_prefix}{clean}"

    def url(self, key: str) -> str:
        """The URL the platform expects for an uploaded object (MaterialCosUrl and friends)."""
        return f"{self.scheme}://{self.host}/{key}"


def parse_path_prefix(path_prefix: str) -> UploadLocation:
    """Split a PathPrefix ("https://bucket-1251316161.cos.ap-nanjing.myqcloud.com/customer-pipeline/352/")."""
    parts = urlsplit(path_prefix.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"PathPrefix {path_prefix!r} is not an http(s) URL")
    host = parts.netloc
    match = _COS_HOST.match(parts.hostname)
    bucket = match.group("bucket") if match else ""
    region = match.group("region") if match else ""
    key_prefix = unquote(parts.path).lstrip("/")
    return UploadLocation(parts.scheme, host, bucket, region, key_prefix)
