"""Local media without Qt: probing files (ffprobe, Pillow, zipfile) and judging them against the documented limits.
Used by the app's preflight and by the sandbox alike, so both apply one probe and one set of rules."""
