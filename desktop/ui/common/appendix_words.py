"""The appendices' labels (service types, emotions, avatar types, languages), marked for translation: the spec holds
them in English (desktop/spec/enums.py), the UI shows them through `QCoreApplication.translate("Appendix", …)`.
tests/unit/test_translatable.py checks that every label of the spec is listed here, so lupdate collects them all."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.spec import enums

_CONTEXT = "Appendix"

LABELS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("Appendix", "Studio Avatar Interactive Concurrency"),
    QT_TRANSLATE_NOOP("Appendix", "3D Realistic Interactive Concurrency"),
    QT_TRANSLATE_NOOP("Appendix", "Studio Avatar Broadcast Hourly Package"),
    QT_TRANSLATE_NOOP("Appendix", "3D Realistic Broadcast Hourly Package"),
    QT_TRANSLATE_NOOP("Appendix", "Studio Avatar Broadcast Concurrency"),
    QT_TRANSLATE_NOOP("Appendix", "3D Realistic Broadcast Concurrency"),
    QT_TRANSLATE_NOOP("Appendix", "Studio Avatar Image Customization Quota"),
    QT_TRANSLATE_NOOP("Appendix", "Voice Clone (Basic Edition) Customization Quota"),
    QT_TRANSLATE_NOOP("Appendix", "Voice Clone (Ultra Edition) Customization Quota"),
    QT_TRANSLATE_NOOP("Appendix", "Timbre Hourly Package"),
    QT_TRANSLATE_NOOP("Appendix", "Instant Avatar Image Customization Quota"),
    QT_TRANSLATE_NOOP("Appendix", "Instant Avatar Interactive Concurrency"),
    QT_TRANSLATE_NOOP("Appendix", "Instant Avatar Broadcast Hourly Package"),
    QT_TRANSLATE_NOOP("Appendix", "Instant Avatar Broadcast Concurrency"),
    QT_TRANSLATE_NOOP("Appendix", "2D Premium Interactive Concurrency"),
    QT_TRANSLATE_NOOP("Appendix", "2D Premium Broadcast Hourly Package"),
    QT_TRANSLATE_NOOP("Appendix", "2D Premium Broadcast Concurrency"),
    QT_TRANSLATE_NOOP("Appendix", "4K Studio Avatar Image Customization Quota"),
    QT_TRANSLATE_NOOP("Appendix", "4K Studio Avatar Interactive Concurrency"),
    QT_TRANSLATE_NOOP("Appendix", "4K Studio Avatar Broadcast Hourly Package"),
    QT_TRANSLATE_NOOP("Appendix", "4K Studio Avatar Broadcast Concurrency"),
    QT_TRANSLATE_NOOP("Appendix", "Photo Avatar Image Customization Quota"),
    QT_TRANSLATE_NOOP("Appendix", "Photo Avatar Interactive Concurrency"),
    QT_TRANSLATE_NOOP("Appendix", "Photo Avatar Broadcast Hourly Package"),
    QT_TRANSLATE_NOOP("Appendix", "Photo Avatar Broadcast Concurrency"),
    QT_TRANSLATE_NOOP("Appendix", "2D Avatar - Exclusive Mouth Shape On-shelf Service Quota"),
    QT_TRANSLATE_NOOP("Appendix", "2D Avatar - Universal Mouth Shape On-shelf Service Quota"),
    QT_TRANSLATE_NOOP("Appendix", "3D Avatar On-shelf Service Quota"),
    QT_TRANSLATE_NOOP("Appendix", "Custom Timbre On-shelf Service Quota"),
    QT_TRANSLATE_NOOP("Appendix", "Happy"),
    QT_TRANSLATE_NOOP("Appendix", "News"),
    QT_TRANSLATE_NOOP("Appendix", "Customer Service"),
    QT_TRANSLATE_NOOP("Appendix", "Fear"),
    QT_TRANSLATE_NOOP("Appendix", "Poetry"),
    QT_TRANSLATE_NOOP("Appendix", "Story"),
    QT_TRANSLATE_NOOP("Appendix", "Neutral"),
    QT_TRANSLATE_NOOP("Appendix", "Sad"),
    QT_TRANSLATE_NOOP("Appendix", "Broadcast"),
    QT_TRANSLATE_NOOP("Appendix", "Angry"),
    QT_TRANSLATE_NOOP("Appendix", "Shocked"),
    QT_TRANSLATE_NOOP("Appendix", "Tsundere"),
    QT_TRANSLATE_NOOP("Appendix", "Disgust"),
    QT_TRANSLATE_NOOP("Appendix", "Excited"),
    QT_TRANSLATE_NOOP("Appendix", "Commentary"),
    QT_TRANSLATE_NOOP("Appendix", "Calm"),
    QT_TRANSLATE_NOOP("Appendix", "Childish"),
    QT_TRANSLATE_NOOP("Appendix", "2D Premium"),
    QT_TRANSLATE_NOOP("Appendix", "3D Realistic"),
    QT_TRANSLATE_NOOP("Appendix", "3D Semi-Realistic"),
    QT_TRANSLATE_NOOP("Appendix", "3D Cartoon"),
    QT_TRANSLATE_NOOP("Appendix", "Studio Avatar"),
    QT_TRANSLATE_NOOP("Appendix", "Instant Avatar"),
    QT_TRANSLATE_NOOP("Appendix", "4K Studio Avatar"),
    QT_TRANSLATE_NOOP("Appendix", "Photo Avatar"),
    QT_TRANSLATE_NOOP("Appendix", "Amharic (Ethiopia)"),
    QT_TRANSLATE_NOOP("Appendix", "Arabic (Egypt)"),
    QT_TRANSLATE_NOOP("Appendix", "Arabic (Saudi Arabia)"),
    QT_TRANSLATE_NOOP("Appendix", "Bulgarian (Bulgaria)"),
    QT_TRANSLATE_NOOP("Appendix", "Bosnian (Bosnia and Herzegovina)"),
    QT_TRANSLATE_NOOP("Appendix", "Catalan"),
    QT_TRANSLATE_NOOP("Appendix", "Czech (Czech Republic)"),
    QT_TRANSLATE_NOOP("Appendix", "Danish (Denmark)"),
    QT_TRANSLATE_NOOP("Appendix", "German (Austria)"),
    QT_TRANSLATE_NOOP("Appendix", "German (Switzerland)"),
    QT_TRANSLATE_NOOP("Appendix", "German (Germany)"),
    QT_TRANSLATE_NOOP("Appendix", "Greek (Greece)"),
    QT_TRANSLATE_NOOP("Appendix", "English (Australia)"),
    QT_TRANSLATE_NOOP("Appendix", "English (UK)"),
    QT_TRANSLATE_NOOP("Appendix", "English (Ireland)"),
    QT_TRANSLATE_NOOP("Appendix", "English (US)"),
    QT_TRANSLATE_NOOP("Appendix", "Spanish (Spain)"),
    QT_TRANSLATE_NOOP("Appendix", "Spanish (Mexico)"),
    QT_TRANSLATE_NOOP("Appendix", "Estonian (Estonia)"),
    QT_TRANSLATE_NOOP("Appendix", "Basque"),
    QT_TRANSLATE_NOOP("Appendix", "Finnish (Finland)"),
    QT_TRANSLATE_NOOP("Appendix", "Filipino (Philippines)"),
    QT_TRANSLATE_NOOP("Appendix", "French (Belgium)"),
    QT_TRANSLATE_NOOP("Appendix", "French (Switzerland)"),
    QT_TRANSLATE_NOOP("Appendix", "French (France)"),
    QT_TRANSLATE_NOOP("Appendix", "Galician"),
    QT_TRANSLATE_NOOP("Appendix", "Hebrew (Israel)"),
    QT_TRANSLATE_NOOP("Appendix", "Croatian (Croatia)"),
    QT_TRANSLATE_NOOP("Appendix", "Hungarian (Hungary)"),
    QT_TRANSLATE_NOOP("Appendix", "Indonesian (Indonesia)"),
    QT_TRANSLATE_NOOP("Appendix", "Italian (Italy)"),
    QT_TRANSLATE_NOOP("Appendix", "Japanese (Japan)"),
    QT_TRANSLATE_NOOP("Appendix", "Javanese (Latin, Indonesia)"),
    QT_TRANSLATE_NOOP("Appendix", "Korean (South Korea)"),
    QT_TRANSLATE_NOOP("Appendix", "Macedonian (north Macedonia)"),
    QT_TRANSLATE_NOOP("Appendix", "Malay (Malaysia)"),
    QT_TRANSLATE_NOOP("Appendix", "Written Norwegian (Norway)"),
    QT_TRANSLATE_NOOP("Appendix", "Nepali (Nepal)"),
    QT_TRANSLATE_NOOP("Appendix", "Dutch (Belgium)"),
    QT_TRANSLATE_NOOP("Appendix", "Dutch (Netherlands)"),
    QT_TRANSLATE_NOOP("Appendix", "Polish (Poland)"),
    QT_TRANSLATE_NOOP("Appendix", "Pashto (Afghanistan)"),
    QT_TRANSLATE_NOOP("Appendix", "Portuguese (Brazil)"),
    QT_TRANSLATE_NOOP("Appendix", "Portuguese (Portugal)"),
    QT_TRANSLATE_NOOP("Appendix", "Romanian (Romania)"),
    QT_TRANSLATE_NOOP("Appendix", "Slovak (Slovakia)"),
    QT_TRANSLATE_NOOP("Appendix", "Slovenian (Slovenia)"),
    QT_TRANSLATE_NOOP("Appendix", "Swedish (Sweden)"),
    QT_TRANSLATE_NOOP("Appendix", "Swahili (Kenya)"),
    QT_TRANSLATE_NOOP("Appendix", "Thai (Thailand)"),
    QT_TRANSLATE_NOOP("Appendix", "Turkish (Türkiye)"),
    QT_TRANSLATE_NOOP("Appendix", "Ukrainian (Ukraine)"),
    QT_TRANSLATE_NOOP("Appendix", "Vietnamese (Vietnam)"),
    QT_TRANSLATE_NOOP("Appendix", "Chinese (Cantonese, simplified)"),
    QT_TRANSLATE_NOOP("Appendix", "Chinese (Mandarin, simplified)"),
    QT_TRANSLATE_NOOP("Appendix", "Chinese (Cantonese, traditional)"),
    QT_TRANSLATE_NOOP("Appendix", "Chinese (Taiwan Mandarin, traditional)"),
    QT_TRANSLATE_NOOP("Appendix", "Zulu (South Africa)"),
)


def _shown(table: dict[str, str], code: str) -> str:
    label = table.get(code)
    return QCoreApplication.translate(_CONTEXT, label) if label else code


def avatar_type(code: str) -> str:
    """Appendix 3: a VirtualmanTypeCode's name, or the code itself when the appendix does not list it."""
    return _shown(enums.VIRTUALMAN_TYPES, code)


def service_type(code: str) -> str:
    """Appendix 1."""
    return _shown(enums.SERVICE_ASSET_TYPES, code)


def emotion(code: str) -> str:
    """Appendix 2."""
    return _shown(enums.EMOTIONS, code)


def language(code: str) -> str:
    """Appendix 4."""
    return _shown(enums.LANGUAGES, code)
