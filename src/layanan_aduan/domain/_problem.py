"""
The problem value shared by the requirement checks (public home: ``domain.requirements``).
"""

from __future__ import annotations

import attrs

__all__ = ["Problem"]


@attrs.frozen
class Problem:
    """
    One thing wrong with a reporter's input, in machine and human form.

    Messages never contain personal data: they describe what is wrong, not the value.

    Attributes:
        code: Stable ``snake_case`` English code, e.g. ``"nik_invalid_length"``.
        field: The input field at fault, e.g. ``"nik"`` or ``"evidence[1]"``.
        message: What is wrong, in Indonesian (told to the reporter).
        message_en: The same in English.
        blocking: Whether the problem leaves a requirement unmet. Problems with optional
            or redundant input (an e-mail, a second contact, an extra evidence file) are
            reported but do not block.
    """

    code: str
    field: str
    message: str
    message_en: str
    blocking: bool = True

    def localized(self, language: str = "id") -> str:
        """
        Return the message in ``language`` (``"id"`` or ``"en"``).
        """
        return self.message_en if language == "en" else self.message
