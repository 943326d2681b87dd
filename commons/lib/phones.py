"""Phone numbers, validated and stored in E.164 with Google's libphonenumber data."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def to_e164(raw: str) -> str:
    """``+66 2 123 4567`` → ``+6621234567``; a clear ValidationError otherwise."""
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("Write the number in international format, starting with + and the country code.")
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This is not a valid phone number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
