"""Inputs the productions take: what the sandbox serves resolves at once, whoever fetched it before (a
customization's demo video, made on its first request, that nobody has downloaded yet; a COS object named with a
query string, as a signed download URL is; a catalog picture: test_sandbox_hardening_http.py); and layers placed or
scaled beyond any frame are made or refused with their production code, never a crash."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from desktop import spec
from desktop.api import Client
from desktop.api.customization import AudioEvaluation
from desktop.api.video import VideoProgress
from tests.fixtures import materials
from tests.fixtures.sandbox import Ready, raw_call, upload
from tests.integration.test_sandbox_customization import finished, grant, poll, unique
from tests.integration.test_sandbox_video import wait_done


async def evaluated(client: Client, url: str) -> AudioEvaluation:
    """The audio evaluation of `url`, once it has finished: it fetches the file first, then judges it."""
    task = await client.customization.audio_evaluation(url)
    done = lambda e: e.state in ("SUCCESS", "FAIL")  # noqa: E731
    states = await poll(lambda: client.customization.audio_evaluation_state(task), done)
    last: AudioEvaluation = states[-1]
    return last


def test_a_demo_video_nobody_fetched_resolves_as_an_input(sandbox: Ready, tmp_path: Path) -> None:
    credentials = grant(sandbox)
    material = upload(sandbox, credentials, materials.video(tmp_path / "m.mp4", 61), "video")
    identity = upload(sandbox, credentials, materials.video(tmp_path / "i.mp4", 3), "idcard")

    async def flow() -> tuple[Path, bool, AudioEvaluation]:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            task_id = await client.customization.make(
                unique("Demo_Input"), "IMAGE_GENERAL", "FEMALE", material_url=material, identity_url=identity
            )
            confirm = (await poll(lambda: client.customization.progress(task_id), finished))[-1].confirm
            assert confirm is not None, "the task did not reach CONFIRM"
            demo = confirm.train_result[0]
            on_disk = sandbox.data_dir / "files" / demo.split("/files/", 1)[1]
            made_before = on_disk.exists()
            return on_disk, made_before, await evaluated(client, demo)

    on_disk, made_before, evaluation = asyncio.run(flow())
    assert not made_before and on_disk.is_file()  # nobody had fetched it: the evaluation's download made it
    assert evaluation.state == "FAIL"
    # Fetched and judged (an MP4 is not the WAV the evaluation takes), where it used to be "could not be downloaded".
    assert evaluation.error.startswith("Only WAV audio is supported"), evaluation.error


def test_a_cos_url_with_a_query_string_resolves_as_an_input(sandbox: Ready, tmp_path: Path) -> None:
    text = "A signed download link carries its signature in the query string."
    url = upload(sandbox, grant(sandbox), materials.speech(tmp_path / "signed_take.wav", text), "audio")

    async def flow() -> AudioEvaluation:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            return await evaluated(client, f"{url}?q-sign-algorithm=sha1&q-ak=AKID&q-signature=0f0f")

    evaluation = asyncio.run(flow())
    assert evaluation.state == "SUCCESS", evaluation.error


def test_layers_beyond_the_frame_are_made_and_oversized_ones_fail_naming_the_field(sandbox: Ready) -> None:
    """Positions have no documented bounds: 1e308 is a valid number (it once crashed the production with an
    OverflowError, 801004); a Scale no renderer could draw fails with 801009 (E53)."""

    async def flow() -> tuple[VideoProgress, VideoProgress]:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            avatar = (await client.assets.avatars(page_size=1)).items[0]
            payload = {"VirtualmanKey": avatar.virtualman_key, "InputSsml": "Far away.", "SpeechParam": {"Speed": 1.0}}
            logo = {"LogoFileUrl": avatar.header_image, "PositionX": 10**30, "PositionY": -(10**30), "Scale": 1.0}
            far = {"AnchorParam": {"HorizontalPosition": -1e308, "VerticalPosition": 1e308}, "LogoParams": [logo]}
            huge = {"LogoParams": [{**logo, "Scale": 1e300}]}
            made = await client.video.videomake_advanced({**payload, "VideoParam": far})
            refused = await client.video.videomake_advanced({**payload, "VideoParam": huge})
            return (await wait_done(client, made, 60))[-1], (await wait_done(client, refused, 60))[-1]

    made, refused = asyncio.run(flow())
    assert made.status == "SUCCESS", (made.fail_code, made.fail_message)
    assert refused.status == "FAIL" and refused.fail_code == 801009
    assert refused.fail_message.startswith("VideoParam.LogoParams[1].Scale: 1e+300 would draw the layer larger")


def test_signed_input_urls_are_never_echoed_with_their_signature(sandbox: Ready) -> None:
    """A presigned link carries its signature, a push URL its txSecret, in the query: refusals and failures name the
    URL without it."""
    secret = "q-signature=SECRET0123&txSecret=SECRET0123"
    push = raw_call(sandbox, spec.endpoint("sessions.createsessionbyasset").path, {
        "ReqId": uuid.uuid4().hex, "AssetVirtualmanKey": "k", "UserId": "u", "Protocol": "rtmp", "DriverType": 1,
        "ProtocolOption": {"CssCustomPushUrl": f"http://127.0.0.1:1/live/x?{secret}"},
    })["Header"]  # fmt: skip
    assert push["Code"] == 100001 and "must be an rtmp:// URL (got 'http://127.0.0.1:1/live/x?…')" in push["Message"]

    async def flow() -> VideoProgress:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            timbre = (await client.assets.timbres(page_size=1)).items[0].key
            task = await client.video.photo_to_video({
                "RefPhotoUrl": f"http://127.0.0.1:1/photo.png?{secret}", "DriverType": "Text",
                "InputSsml": "Hello.", "SpeechParam": {"Speed": 1.0, "TimbreKey": timbre},
            })  # fmt: skip
            return (await wait_done(client, task))[-1]

    failed = asyncio.run(flow())
    assert failed.fail_code == 801010
    assert failed.fail_message == "RefPhotoUrl: the file could not be downloaded from http://127.0.0.1:1/photo.png?…"
    assert "SECRET" not in push["Message"] + failed.fail_message
