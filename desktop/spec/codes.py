"""Every error code of the three code tables in seed 002, with its meaning and remedy.

Tables: customization result codes ("Result Code Description"), the video API's "Appendix I" (part I, API error
codes, and part II, production result codes), and the interactive "Error Code Description". The same number can
mean different things in different tables, so codes are looked up by (table, code).
"""

from __future__ import annotations

from desktop.spec.model import CodeTable, ErrorCode, Family

_RETRY = "Retry or contact the administrator to locate the issue."
_RETRY_CS = "Retry or contact customer service to locate the error."
_PARAMS = "Check the parameter format and type according to the API protocol."


def _table(table: CodeTable, rows: list[tuple[int, str, str, bool]]) -> dict[int, ErrorCode]:
    return {code: ErrorCode(code, table, meaning, remedy, transient) for code, meaning, remedy, transient in rows}


CUSTOMIZATION = _table(
    "customization",
    [
        (0, "Success", "None.", False),
        (100000, "Internal system error", "Retry or contact the administrator to locate the issue.", True),
        (100001, "Request parameter error (format, type, missing or lacking required parameters)", _PARAMS, False),
        (100003, "Request parameter error (format, type, missing or lacking required parameters)", _PARAMS, False),
        (100002, "Parameter value error", "Check the parameter list according to the API protocol.", False),
        (
            100005,
            "Unauthorized operation",
            "Check if the session has the necessary permissions for the request.",
            False,
        ),
        (110006, "The record does not exist.", "Check if the taskid is correct.", False),
        (100008, "Exceed quota limit", "The allocated quota has been used up.", False),
    ],
)

VIDEO_API = _table(
    "video_api",
    [
        (0, "Success", "None.", False),
        (-101000, "Internal system error", _RETRY, True),
        (-101001, "Computing power is insufficient.", _RETRY, True),
        (
            -101002,
            "Image downloading failed.",
            "Check whether the provided image URL can be accessed and downloaded.",
            False,
        ),
        (-101003, "The request for S3 failed.", _RETRY, True),
        (100001, "Request parameter error (format, type, missing or lacking required parameters)", _PARAMS, False),
        (100003, "Request parameter error (format, type, missing or lacking required parameters)", _PARAMS, False),
        (100002, "Parameter value error", "Check the parameter list according to the API protocol.", False),
        (
            100005,
            "Unauthorized operation",
            "Check if the session has the necessary permissions for the request.",
            False,
        ),
        (100008, "Exceeded quota limit", "The session exceeded the concurrency limit.", False),
        (100009, "The resource does not exist.", "Check whether the current permission scope is exceeded.", False),
        (110005, "The record already exists.", "Repeated requests are excessively rapid.", False),
        (110006, "The record does not exist.", "Check whether the requested session exists.", False),
        (
            110007,
            "The virtualmankey has expired.",
            "Check the validity period of the key associated with the root account.",
            False,
        ),
        (
            100013,
            "No valid hourly package was found or insufficient hourly package balance.",
            "Request or purchase the appropriate hourly package.",
            False,
        ),
        (100015, "The digital human avatar has expired.", "Apply for an extension of the avatar.", False),
        (100016, "No avatar assets were found.", "Check whether the VirtualmanKey being used is valid.", False),
        (801000, "The calling remote service has an exception.", _RETRY, True),
        (801002, "The remote service call returned an abnormal status code.", _RETRY, True),
        (
            801004,
            "Operations are too frequent. Please try again later.",
            "Avoid submitting multiple tasks at the same time.",
            True,
        ),
        (
            801005,
            "The text failed to pass the security verification.",
            "Check whether the SSML contains sensitive information.",
            False,
        ),
    ],
)

VIDEO_PRODUCTION = _table(
    "video_production",
    [
        (0, "Success", "None.", False),
        (801000, "Internal system error", _RETRY, False),
        (801001, "Database operation error", _RETRY, False),
        (801002, "Error in calling remote service", _RETRY, False),
        (801003, "Task production exceeded the retry limit.", _RETRY, False),
        (801004, "Task production encountered a crash.", _RETRY, False),
        (801006, "Operation on S3 failed.", _RETRY, False),
        (801007, "Task execution timeout.", _RETRY, False),
        (801009, "Parameter error", "Check whether the parameters in FailMessage meet the API requirements.", False),
        (
            801010,
            "Retrieving the URL resource failed.",
            "Check whether the provided URL resource can be accessed and downloaded.",
            False,
        ),
        (801012, "Task parameter parsing failed.", _RETRY, False),
        (801014, "Downloading subtitle files/downloading generated video failed.", _RETRY, False),
        (
            801015,
            "Uploading files to the specified S3 failed.",
            "Check whether the provided VideoStorageS3Url and SubtitleStorageS3Url are available.",
            False,
        ),
        (801401, "Audio production: parsing task parameters failed.", _RETRY, False),
        (801402, "Audio production: creating local files failed.", _RETRY, False),
        (801403, "Audio production: receiving audio data failed.", _RETRY, False),
        (801404, "Audio production: a business exception occurred while receiving audio data.", _RETRY, False),
        (801405, "Video production: parsing task parameters failed.", _RETRY, False),
        (801503, "Video production: invoking remote services failed.", _RETRY, False),
        (
            801507,
            "Video production: converting the resolution of input images or other resources failed.",
            _RETRY,
            False,
        ),
        (801508, "Video production: obtaining the number of frames for the avatar video clip failed.", _RETRY, False),
        (
            801509,
            "Video production: the number of input frames of the avatar does not conform to requirements.",
            "Check whether StartIdx and EndIdx conform to the API definition.",
            False,
        ),
        (
            801510,
            "Video production: the audio driver file duration verification failed.",
            "Check the audio drive file, retry, or contact the administrator to locate the error.",
            False,
        ),
    ],
)

INTERACTIVE = _table(
    "interactive",
    [
        (0, "Success", "None.", False),
        # Only in the "Feature Description" example of the interactive error codes.
        (100000, "Internal system error", _RETRY_CS, True),
        (-101000, "Internal system error", _RETRY_CS, True),
        (-101001, "The computing resources for the digital human service are insufficient.", _RETRY_CS, True),
        (-101002, "Image downloading failed.", _RETRY_CS, False),
        (-111001, "Updating stream parameters failed.", _RETRY_CS, False),
        (-111002, "Connection abnormally disconnected.", _RETRY_CS, False),
        (-111003, "An error occurred during the model loading process of the digital human.", _RETRY_CS, False),
        (-111004, "There was an internal stream creation timeout in the digital human service.", _RETRY_CS, False),
        (
            -111005,
            "An error occurred when the digital human with text or audio was driven.",
            "Read the description of the abnormal disconnection; if it is a system error, contact customer service.",
            False,
        ),
        (
            100001,
            "The request parameters were incorrect.",
            "For field format, length, type or non-null errors, read the field requirements in the protocol documentation.",
            False,
        ),
        (100005, "Unauthorized operation", "Request the API or resource according to the authorized content.", False),
        (
            100008,
            "Exceeding the concurrency limit",
            "Check the used concurrency number and the upper limit of the concurrency number.",
            False,
        ),
        (
            100012,
            "Requests are too frequent.",
            "Send requests according to the frequency specified in the protocol.",
            True,
        ),
        (
            100014,
            "The concurrency quota is insufficient.",
            "Check if the concurrency quota is sufficient or if it is within the valid period.",
            False,
        ),
        (100015, "The digital human avatar has expired.", "Check the validity period.", False),
        (
            110013,
            "The session has been closed.",
            "Check whether you are driving a closed stream; if it closed abnormally, statsession tells the cause.",
            False,
        ),
        (110014, "The session is not ready.", "Wait for status 1 and call startsession first.", False),
        (
            110015,
            "The drive command was sent at the wrong time and was not processed.",
            "Send commands as the Instruction Sending Requirements say.",
            False,
        ),
        (
            110016,
            "A drive command was sent to an inactive session.",
            "Wait for status 1 and call startsession first.",
            False,
        ),
        (
            110018,
            "The session does not exist.",
            "Check whether the session has been closed or was never created.",
            False,
        ),
        (
            110021,
            "TRTC service is overdue, or its available time is insufficient.",
            "Check whether the TRTC service is overdue.",
            False,
        ),
        (
            110022,
            "The stream session created with the same userid has been closed.",
            "Check the UserId passed when creating the stream.",
            False,
        ),
    ],
)

TABLES: dict[CodeTable, dict[int, ErrorCode]] = {
    "customization": CUSTOMIZATION,
    "video_api": VIDEO_API,
    "video_production": VIDEO_PRODUCTION,
    "interactive": INTERACTIVE,
}

# Which table speaks for a family's API answers first; the asset docs have no table of their own.
_PREFERENCE: dict[Family, tuple[CodeTable, ...]] = {
    "customization": ("customization", "video_api", "interactive"),
    "video": ("video_api", "customization", "interactive"),
    "sessions": ("interactive", "video_api", "customization"),
    "assets": ("video_api", "interactive", "customization"),
}


def lookup(code: int, family: Family) -> ErrorCode | None:
    """The documented meaning of an API answer's Header.Code for an endpoint of `family`."""
    for table in _PREFERENCE[family]:
        found = TABLES[table].get(code)
        if found is not None:
            return found
    return None


def production_failure(code: int) -> ErrorCode | None:
    """The documented meaning of a video task's FailCode."""
    return VIDEO_PRODUCTION.get(code)


def all_codes() -> list[ErrorCode]:
    return [entry for table in TABLES.values() for entry in table.values()]
